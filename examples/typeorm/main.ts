/**
 * fieldseal + TypeORM on SQLite (better-sqlite3): entities with protected columns, writes
 * through a repository and BaseEntity, lookups by email (blind index), by SSN
 * (deterministic) and by card number (FPE), a relation, a refused query, and what the rows
 * look like in the database. Run from the repository root:
 *
 *   npm run example:typeorm
 *
 * The database is an in-memory SQLite, made by TypeORM's `synchronize`.
 */
import { BaseEntity, Column, DataSource, Entity, Like, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';
import { BlindIndexColumn, DeterministicColumn, fieldsealDataSource, FpeColumn, SealedColumn } from '../../src/adapters/typeorm/index.js';
import { createSealer, generateKek, localKeyProvider, memoryKeyStore, UnsupportedQueryError } from '../../src/index.js';

@Entity('torm_example_users')
class User extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('varchar', { length: 60 })
  name!: string;

  // Randomized, bound to the row: a value copied to another row no longer opens.
  @SealedColumn({ row: 'id' })
  email!: string;

  // Lookups by email go through this keyed hash (normalized: case and dots of gmail don't matter).
  @BlindIndexColumn({ of: 'email', normalize: 'email', bits: 64, unique: true })
  emailIndex!: string;

  // Deterministic: equality lookups on the column itself.
  @DeterministicColumn({ nullable: true })
  ssn!: string | null;

  // A format-preserving token: still a Luhn-valid 16-digit card number, last 4 in clear.
  @FpeColumn({ preset: 'card', keepLast: 4, luhn: 'valid', nullable: true })
  card!: string | null;

  // Typed values come back as their types.
  @SealedColumn({ row: 'id', valueType: 'date', nullable: true })
  birthday!: Date | null;

  @OneToMany(() => Note, (note) => note.user, { cascade: true })
  notes!: Note[];
}

@Entity('torm_example_notes')
class Note {
  @PrimaryGeneratedColumn()
  id!: number;

  @SealedColumn({ valueType: 'json' })
  body!: { text: string; tags: string[] };

  @ManyToOne(() => User, (user) => user.notes)
  user!: User;
}

// Keys: a KEK from FIELDSEAL_KEK (32 bytes, base64) or a throwaway one for this run.
const kek = process.env.FIELDSEAL_KEK ?? generateKek();
const sealer = await createSealer({ provider: localKeyProvider({ keys: { main: kek } }), store: memoryKeyStore() });

// fieldseal checks the entities, then initializes and synchronizes the DataSource.
const dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [User, Note], synchronize: true });
const fieldseal = await fieldsealDataSource(dataSource, { sealer });
User.useDataSource(dataSource);

// Writes: plain TypeORM calls.
const users = dataSource.getRepository(User);
await users.save(
  users.create({
    name: 'Alice',
    email: 'Alice.Smith@example.com',
    ssn: '123-45-6789',
    card: '4111111111111111',
    birthday: new Date('1990-04-01T00:00:00Z'),
    notes: [{ body: { text: 'prefers email', tags: ['contact'] } }],
  }),
);
await User.create({ name: 'Bob', email: 'bob@example.com', ssn: '987-65-4321' }).save();

// Reads: lookups by value, a relation, plaintext back.
const alice = await users.findOneOrFail({ where: { email: 'alice.smith@EXAMPLE.com' }, relations: { notes: true } });
console.log('by email:', alice.name, alice.email, alice.birthday?.toISOString(), alice.notes.map((n) => n.body));
console.log('by ssn:', (await User.findOneByOrFail({ ssn: '987-65-4321' })).name);
console.log('by card:', (await users.findOneByOrFail({ card: '4111111111111111' })).name);

// QueryBuilder: conditions on protected columns through fieldseal.where().
const viaBuilder = await users.createQueryBuilder('u').where(await fieldseal.where(User, { email: 'bob@example.com' })).getOne();
console.log('query builder:', viaBuilder?.name);

// Refused: a pattern cannot be matched on ciphertext.
try {
  await users.findBy({ email: Like('%example%') });
} catch (error) {
  if (!(error instanceof UnsupportedQueryError)) throw error;
  console.log('refused:', error.message);
}

// What the database holds.
console.log('stored:', await dataSource.query('SELECT name, email, emailIndex, ssn, card, birthday FROM torm_example_users'));
await dataSource.destroy();
