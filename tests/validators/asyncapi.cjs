// Validates AsyncAPI documents with the AsyncAPI Initiative's parser (@asyncapi/parser): each file
// given is parsed from disk (so references to other files resolve), every diagnostic is printed,
// and the exit status is 1 when a document has an error. Run by tests/it/validate.rs with
// NODE_PATH set to the parser's node_modules (.ci/run installs it).
const { Parser, fromFile } = require('@asyncapi/parser');

(async () => {
  const parser = new Parser();
  const severity = ['error', 'warning', 'info', 'hint'];
  let failed = 0;
  for (const file of process.argv.slice(2)) {
    const { document, diagnostics } = await fromFile(parser, file).parse();
    for (const d of diagnostics) {
      console.log(`${file}: ${severity[d.severity]} ${d.code}: ${d.message} at ${JSON.stringify(d.path)}`);
    }
    if (!document || diagnostics.some((d) => d.severity === 0)) failed += 1;
  }
  process.exit(failed ? 1 : 0);
})();
