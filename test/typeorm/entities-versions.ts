/**
 * Entities of the lookup key version, lookup integrity and subject tests (tables prefixed
 * `torm2_`). A lookup key replacement goes through phases of one entity (same class name,
 * same table): each phase is its own class, made by a function, in its own DataSource.
 */
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { BlindIndexColumn, DeterministicColumn, FpeColumn, SealedColumn } from '../../src/adapters/typeorm/index.js';

/** The phases of a lookup key replacement: before the shadow columns, writing both (reads on version 1), reading version 2. */
export type ReindexPhase = 'before' | 'reindexing' | 'switched';

/** The shape of a Person in every phase (shadow properties exist from `reindexing` on). */
export interface PersonShape {
  id: string;
  name: string;
  email: string;
  emailIndex?: string;
  emailIndexV2?: string | null;
  ssn: string | null;
  ssnV2?: string | null;
  card: string | null;
  cardV2?: string | null;
}

/** The Person entity of `phase` (class name `Person`, table `torm2_people`). */
export function personEntity(phase: ReindexPhase): new () => PersonShape {
  if (phase === 'before') {
    @Entity('torm2_people')
    class Person {
      // A varchar key (MariaDB makes a generated uuid key a UUID column, which the SQL row source does not take as a key).
      @PrimaryColumn('varchar', { length: 36 })
      id!: string;

      @Column('varchar', { length: 40 })
      name!: string;

      @SealedColumn({ row: 'id' })
      email!: string;

      @BlindIndexColumn({ of: 'email', normalize: 'email', bits: 64, unique: true })
      emailIndex!: string;

      @DeterministicColumn({ length: 80, maxBytes: 11, nullable: true })
      ssn!: string | null;

      @FpeColumn({ preset: 'card', keepLast: 4, nullable: true })
      card!: string | null;
    }
    return Person;
  }
  const reindexing = phase === 'reindexing';
  @Entity('torm2_people')
  class Person {
    @PrimaryColumn('varchar', { length: 36 })
    id!: string;

    @Column('varchar', { length: 40 })
    name!: string;

    @SealedColumn({ row: 'id' })
    email!: string;

    @BlindIndexColumn({ of: 'email', normalize: 'email', bits: 64, unique: true })
    emailIndex!: string;

    @BlindIndexColumn({ of: 'email', normalize: 'email', bits: 64, unique: true, nullable: true, lookupVersion: 2, reindexing })
    emailIndexV2!: string | null;

    // Not unique under version 1; its shadow is: a duplicate is refused by the shadow column.
    @DeterministicColumn({ length: 80, maxBytes: 11, nullable: true })
    ssn!: string | null;

    @DeterministicColumn({ shadowOf: 'ssn', lookupVersion: 2, reindexing, length: 80, maxBytes: 11, nullable: true, unique: true })
    ssnV2!: string | null;

    @FpeColumn({ preset: 'card', keepLast: 4, nullable: true })
    card!: string | null;

    @FpeColumn({ preset: 'card', keepLast: 4, nullable: true, shadowOf: 'card', lookupVersion: 2, reindexing })
    cardV2!: string | null;
  }
  return Person;
}

/** Randomized columns sealed under the row's data subject. */
@Entity('torm2_tickets')
export class Ticket {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @Column('varchar', { length: 64, nullable: true })
  customerId!: string | null;

  @SealedColumn({ row: 'id', subject: 'customerId' })
  email!: string;

  @BlindIndexColumn({ of: 'email', normalize: 'email' })
  emailIndex!: string;

  @SealedColumn({ subject: 'customerId', nullable: true })
  note!: string | null;

  @DeterministicColumn({ nullable: true })
  code!: string | null;
}

/** Declaration mistakes of lookup versions and subjects, each in its own DataSource. */
@Entity('torm2_bad_shadow_target')
export class ShadowOfMissing {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @DeterministicColumn({ nullable: true })
  ssn!: string | null;

  @DeterministicColumn({ shadowOf: 'snn', lookupVersion: 2, nullable: true })
  ssnV2!: string | null;
}

@Entity('torm2_bad_shadow_version')
export class ShadowSameVersion {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @DeterministicColumn({ nullable: true })
  ssn!: string | null;

  @DeterministicColumn({ shadowOf: 'ssn', lookupVersion: 1, nullable: true })
  ssnV2!: string | null;
}

@Entity('torm2_bad_all_reindexing')
export class OnlyReindexingIndex {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn()
  email!: string;

  @BlindIndexColumn({ of: 'email', lookupVersion: 2, reindexing: true })
  emailIndexV2!: string;
}

@Entity('torm2_bad_index_versions')
export class TwoIndexesOneVersion {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn()
  email!: string;

  @BlindIndexColumn({ of: 'email' })
  emailIndex!: string;

  @BlindIndexColumn({ of: 'email', normalize: 'email' })
  emailIndex2!: string;
}

@Entity('torm2_bad_subject')
export class MissingSubject {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn({ subject: 'owner' })
  email!: string;
}
