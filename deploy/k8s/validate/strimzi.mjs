// Checks Strimzi custom resources (a JSON array on stdin) against the Strimzi 1.0 CRD schemas
// that @kubernetes-models/strimzi-kafka-operator compiles; prints one line per problem.
const docs = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
}));
let problems = 0;
for (const doc of docs) {
  const version = doc.apiVersion.split("/")[1];
  const where = `${doc.kind}/${doc.metadata?.name}`;
  let model;
  try {
    model = await import(`@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/${version}/${doc.kind}`);
  } catch {
    console.log(`${where}: no Strimzi schema for ${doc.apiVersion} ${doc.kind}`);
    problems++;
    continue;
  }
  try {
    new model[doc.kind](doc).validate();
  } catch (error) {
    console.log(`${where}: ${error.message}`);
    problems++;
  }
}
process.exit(problems ? 1 : 0);
