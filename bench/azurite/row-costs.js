// What one row's insert and delete cost in Azurite's in-memory store as its table grows: Azurite keeps each table in
// one LokiJS collection with binary indices on PartitionKey and RowKey (LokiTableMetadataStore.createCollectionForTable),
// and LokiJS removes a document by splicing the collection's arrays and shifting every index position after it.
// Usage: node [--max-old-space-size=8192] bench/azurite/row-costs.js [rows ...]   (default: 1000 100000 1000000;
// a million rows wants the larger heap and about 2 minutes); LokiJS from tools/azurite's lock (tools/azurite/ensure.sh).
"use strict";
const path = require("path");
const loki = require(path.join(__dirname, "../../tools/azurite/node_modules/lokijs"));

const sizes = process.argv.slice(2).map(Number).filter(n => n > 0);
const operations = 1000;

function table(rows) {
  const db = new loki("bench.db");
  const coll = db.addCollection("memberships", { indices: ["PartitionKey", "RowKey"] });
  for (let i = 0; i < rows; i++) {
    coll.insert({ PartitionKey: "ws|amplitude|big|" + (i % 16).toString(16), RowKey: "u" + String(i).padStart(8, "0") });
  }
  return coll;
}

function time(action) {
  const start = process.hrtime.bigint();
  action();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

console.log("| rows in the table | 1,000 inserts (ms) | 1,000 deletes (ms) | one delete (ms) |");
console.log("|---|---|---|---|");
for (const rows of sizes.length ? sizes : [1000, 100000, 1000000]) {
  const coll = table(rows);
  const inserted = [];
  const insertMs = time(() => {
    for (let i = 0; i < operations; i++) {
      inserted.push(coll.insert({ PartitionKey: "ws|amplitude|big|" + (i % 16).toString(16), RowKey: "n" + String(i).padStart(8, "0") }));
    }
  });
  // Delete 1,000 rows that were in the table before, spread through it (a churn round's leavers), by their keys.
  const victims = [];
  for (let i = 0; i < operations && i < rows; i++) {
    const n = Math.floor(i * rows / Math.min(operations, rows));
    victims.push(coll.findOne({ PartitionKey: "ws|amplitude|big|" + (n % 16).toString(16), RowKey: "u" + String(n).padStart(8, "0") }));
  }
  const deleteMs = time(() => {
    for (const doc of victims) {
      coll.remove(doc);
    }
  });
  console.log(`| ${rows.toLocaleString("en-US")} | ${insertMs.toFixed(0)} | ${deleteMs.toFixed(0)} | ${(deleteMs / victims.length).toFixed(3)} |`);
}
