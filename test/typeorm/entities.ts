/** Entities of the TypeORM adapter tests (tables prefixed `torm_`). */
import { BaseEntity, Column, DeleteDateColumn, Entity, ManyToOne, OneToMany, PrimaryColumn, PrimaryGeneratedColumn } from 'typeorm';
import { BlindIndexColumn, DeterministicColumn, FpeColumn, SealedColumn } from '../../src/adapters/typeorm/index.js';

@Entity('torm_customers')
export class Customer {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('varchar', { length: 40 })
  name!: string;

  @SealedColumn({ row: 'id' })
  email!: string;

  @BlindIndexColumn({ of: 'email', normalize: 'email', bits: 64, unique: true })
  emailIndex!: string;

  @DeterministicColumn({ length: 80, maxBytes: 11, nullable: true })
  ssn!: string | null;

  @FpeColumn({ preset: 'card', keepLast: 4, luhn: 'valid', nullable: true })
  card!: string | null;

  @FpeColumn({ preset: 'phone', keepFirst: 2, keepLast: 2, nullable: true, scope: 'contact' })
  phone!: string | null;

  @OneToMany(() => Order, (order) => order.customer, { cascade: true })
  orders!: Order[];
}

@Entity('torm_orders')
export class Order {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn({ row: 'id', valueType: 'decimal', length: 120, maxBytes: 40 })
  amount!: string;

  @SealedColumn({ nullable: true, scope: 'billing' })
  note!: string | null;

  @FpeColumn({ preset: 'alphanumeric', keepLast: 2, letterCase: 'mixed', nullable: true })
  reference!: string | null;

  @ManyToOne(() => Customer, (customer) => customer.orders, { onDelete: 'CASCADE' })
  customer!: Customer;

  @OneToMany(() => OrderLine, (line) => line.order, { cascade: true })
  lines!: OrderLine[];
}

@Entity('torm_order_lines')
export class OrderLine {
  @PrimaryGeneratedColumn()
  id!: number;

  @DeterministicColumn()
  sku!: string;

  @FpeColumn({ preset: 'numeric', keepFirst: 1, nullable: true })
  code!: string | null;

  @ManyToOne(() => Order, (order) => order.lines, { onDelete: 'CASCADE' })
  order!: Order;
}

/** Every value type, randomized (row-bound) and deterministic. */
@Entity('torm_typed')
export class Typed {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn({ row: 'id', valueType: 'number', nullable: true })
  num!: number | null;

  @SealedColumn({ row: 'id', valueType: 'bigint', nullable: true })
  big!: bigint | null;

  @SealedColumn({ row: 'id', valueType: 'date', nullable: true })
  at!: Date | null;

  @SealedColumn({ row: 'id', valueType: 'json', nullable: true })
  doc!: unknown;

  @SealedColumn({ row: 'id', valueType: 'bytes', nullable: true })
  blob!: Buffer | null;

  @SealedColumn({ row: 'id', valueType: 'boolean', nullable: true })
  flag!: boolean | null;

  @SealedColumn({ row: 'id', valueType: 'decimal', nullable: true })
  amount!: string | null;

  @DeterministicColumn({ valueType: 'number', nullable: true })
  dnum!: number | null;

  @DeterministicColumn({ valueType: 'date', nullable: true })
  dat!: Date | null;

  @DeterministicColumn({ valueType: 'decimal', nullable: true })
  damount!: string | null;

  @DeterministicColumn({ valueType: 'bigint', nullable: true, scope: 'ledger' })
  dbig!: bigint | null;

  @DeterministicColumn({ valueType: 'boolean', nullable: true })
  dflag!: boolean | null;

  @FpeColumn({ preset: 'card', keepFirst: 6, keepLast: 4, nullable: true, length: 19 })
  pan!: string | null;

  @FpeColumn({ preset: 'ssn', nullable: true, length: 11 })
  ssn!: string | null;
}

/** ActiveRecord, with soft delete. */
@Entity('torm_accounts')
export class Account extends BaseEntity {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @DeterministicColumn({ length: 120, maxBytes: 40, unique: true })
  handle!: string;

  @SealedColumn({ row: 'id', nullable: true })
  secret!: string | null;

  @DeleteDateColumn({ nullable: true })
  deletedAt!: Date | null;
}

/** A column being migrated from plaintext. */
@Entity('torm_legacy')
export class Legacy {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string;

  @SealedColumn({ migrating: true, nullable: true })
  note!: string | null;

  @DeterministicColumn({ migrating: true, nullable: true, valueType: 'number' })
  level!: number | null;

  @SealedColumn({ nullable: true })
  strict!: string | null;
}

/** Every entity of the suites. */
export const entities = [Customer, Order, OrderLine, Typed, Account, Legacy];
