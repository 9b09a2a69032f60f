/**
 * The protected columns of a TypeORM DataSource, as the PII inventory takes them: read from
 * the fieldseal decorators of its entities, so that `inventory()` of the database marks
 * them protected (mode, lookup, scope, subject owner) and their lookup columns (blind
 * indexes, reindex shadows) as lookups, and flags only the plain columns.
 *
 * @module
 */
import type { DataSource } from 'typeorm';
import { ciphertextLength } from '../../format/envelope.js';
import type { InventoryProtectedColumn } from '../../privacy/inventory/inventory.js';
import { resolveEntities, type ProtectedField } from './fields.js';

/** Every protected column of the DataSource's entities (initialized), by table and database column name. */
export function typeormInventoryColumns(dataSource: DataSource): InventoryProtectedColumn[] {
  const out: InventoryProtectedColumn[] = [];
  for (const entity of resolveEntities(dataSource, { ciphertextLength }).values()) {
    const table = entity.metadata.tableName;
    const columnOf = (property: string): string => entity.metadata.findColumnWithPropertyName(property)?.databaseName ?? property;
    for (const [property, field] of entity.fields) {
      // Blind indexes and shadows are listed as lookup columns of the column they serve.
      if (field.mode === 'blindIndex' || field.shadowOf !== undefined) continue;
      const lookups = [...field.indexes, ...field.shadows].map((f: ProtectedField) => columnOf(propertyOf(entity.fields, f)));
      out.push({
        table,
        column: columnOf(property),
        mode: field.mode,
        ...(lookups.length === 0 ? {} : { lookupColumns: lookups }),
        ...(field.scope === undefined ? {} : { scope: field.scope }),
        ...(field.subject === undefined ? {} : { subjectColumn: columnOf(field.subject) }),
      });
    }
  }
  return out;
}

function propertyOf(fields: ReadonlyMap<string, ProtectedField>, wanted: ProtectedField): string {
  for (const [property, field] of fields) if (field === wanted) return property;
  throw new Error('a lookup column of the entity is missing from its fields');
}
