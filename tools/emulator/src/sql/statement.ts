import type { ColumnType } from '../catalog/column-type.js';
import type { ColumnDefault, KeysType } from '../catalog/table-schema.js';
import type { Expr } from './expression.js';

/** A table name as written, optionally qualified. */
export interface TableRef {
  readonly db: string | null;
  readonly name: string;
}

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly nullable: boolean | null;
  readonly default: ColumnDefault | null;
  readonly comment: string;
  readonly autoIncrement: boolean;
  readonly aggregate: string | null;
  /** `ADD COLUMN c INT KEY` */
  readonly key: boolean;
}

export interface SelectItem {
  readonly expr: Expr;
  readonly alias: string | null;
  /** The text of the item as written (the column label when there is no alias). */
  readonly text: string;
}

export interface OrderItem {
  readonly expr: Expr;
  readonly desc: boolean;
}

export interface SelectStatement {
  readonly kind: 'select';
  readonly items: readonly SelectItem[];
  readonly from: TableRef | null;
  readonly where: Expr | null;
  readonly orderBy: readonly OrderItem[];
  readonly limit: number | null;
  readonly offset: number;
}

export type AlterOp =
  | {
      readonly op: 'add';
      readonly columns: readonly ColumnDef[];
      readonly after: string | null;
      readonly first: boolean;
    }
  | { readonly op: 'drop'; readonly column: string }
  | {
      readonly op: 'modify';
      readonly column: ColumnDef;
      readonly after: string | null;
      readonly first: boolean;
    }
  | { readonly op: 'rename'; readonly from: string; readonly to: string }
  | { readonly op: 'rename_table'; readonly to: string }
  | { readonly op: 'set'; readonly properties: Readonly<Record<string, string>> };

export interface CreateTableStatement {
  readonly kind: 'create_table';
  readonly table: TableRef;
  readonly ifNotExists: boolean;
  readonly columns: readonly ColumnDef[];
  readonly keysType: KeysType | 'AGG_KEYS' | null;
  readonly keys: readonly string[];
  readonly comment: string;
  readonly distribution: {
    readonly type: 'HASH' | 'RANDOM';
    readonly columns: readonly string[];
    readonly buckets: number | null;
  } | null;
  readonly orderBy: readonly string[] | null;
  readonly properties: Readonly<Record<string, string>>;
  readonly partitioned: boolean;
}

export type Statement =
  | SelectStatement
  | CreateTableStatement
  | { readonly kind: 'show_databases'; readonly like: string | null }
  | {
      readonly kind: 'show_tables';
      readonly db: string | null;
      readonly full: boolean;
      readonly like: string | null;
    }
  | { readonly kind: 'create_database'; readonly name: string; readonly ifNotExists: boolean }
  | { readonly kind: 'drop_database'; readonly name: string; readonly ifExists: boolean }
  | { readonly kind: 'use'; readonly db: string }
  | { readonly kind: 'drop_table'; readonly table: TableRef; readonly ifExists: boolean }
  | { readonly kind: 'truncate_table'; readonly table: TableRef }
  | { readonly kind: 'show_create_table'; readonly table: TableRef }
  | { readonly kind: 'describe'; readonly table: TableRef; readonly full: boolean }
  | { readonly kind: 'alter_table'; readonly table: TableRef; readonly ops: readonly AlterOp[] }
  | {
      readonly kind: 'show_alter';
      readonly db: string | null;
      readonly where: Expr | null;
      readonly orderBy: readonly OrderItem[];
      readonly limit: number | null;
    }
  | { readonly kind: 'show_variables'; readonly like: string | null }
  | { readonly kind: 'set' }
  | { readonly kind: 'noop' };
