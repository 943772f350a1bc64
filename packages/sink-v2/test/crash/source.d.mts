export declare const TABLES: readonly string[];
export declare function sourceRow(i: number): {
  table: string;
  key: number;
  kind: string;
  row: { id: number; v: number };
};
export declare function expectedTables(n: number): {
  events: number[];
  users: Map<number, number>;
  items: Map<number, number>;
};
