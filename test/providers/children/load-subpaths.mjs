// Copied next to an installed fieldseal by missing-peers.test.ts: imports the main entry and
// each subpath with an optional peer (ESM), and prints what each gave as one JSON line.
const { ConfigurationError } = await import('fieldseal');
const results = {};
for (const entry of ['fieldseal/aws-kms', 'fieldseal/gcp-kms', 'fieldseal/prisma']) {
  try {
    const module = await import(entry);
    results[entry] = { loaded: true, exports: Object.keys(module).sort() };
  } catch (error) {
    results[entry] = { loaded: false, typed: error instanceof ConfigurationError, code: error.code, message: error.message };
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);
