/** Entities with declaration mistakes, each in its own DataSource of the configuration tests. */
import { Column, Entity, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { BlindIndexColumn, DeterministicColumn, FpeColumn, SealedColumn } from '../../src/adapters/typeorm/index.js';

@Entity('torm_bad_short')
export class ShortColumn {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn({ length: 40, maxBytes: 64 })
  email!: string;
}

@Entity('torm_bad_index')
export class MissingIndexSource {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn()
  email!: string;

  @BlindIndexColumn({ of: 'mail' })
  emailIndex!: string;
}

@Entity('torm_bad_pk')
export class ProtectedPrimary {
  @PrimaryColumn('varchar', { length: 36 })
  @DeterministicColumn()
  id!: string;
}

@Entity('torm_bad_conflict')
export class Conflicting {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn()
  @DeterministicColumn()
  email!: string;
}

@Entity('torm_bad_column')
export class WithPlainColumn {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('varchar', { length: 200 })
  @SealedColumn()
  email!: string;
}

@Entity('torm_bad_row')
export class GeneratedRow {
  @PrimaryGeneratedColumn()
  id!: number;

  @SealedColumn({ row: 'id' })
  email!: string;
}

@Entity('torm_bad_fpe')
export class BadFpe {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @FpeColumn({ preset: 'ssn', keepLast: 4 } as never)
  ssn!: string;
}

@Entity('torm_bad_plain_index')
export class PlainIndexSource {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('varchar', { length: 200 })
  email!: string;

  @BlindIndexColumn({ of: 'email' })
  emailIndex!: string;
}

@Entity('torm_bad_bits')
export class BadBits {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn()
  email!: string;

  @BlindIndexColumn({ of: 'email', bits: 8 })
  emailIndex!: string;
}

@Entity('torm_bad_sizing')
export class UnsizedVarchar {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @DeterministicColumn({ length: 200 })
  code!: string;
}
