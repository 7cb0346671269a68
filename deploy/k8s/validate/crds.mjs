// Checks custom resources (a JSON array on stdin) against their CRD schemas, compiled by
// @kubernetes-models: Strimzi 1.0 (kafka.strimzi.io) and KEDA (keda.sh); prints one line per
// problem. A kind of a group with no package here is a problem too.
const PACKAGES = {
  "kafka.strimzi.io": "@kubernetes-models/strimzi-kafka-operator",
  "keda.sh": "@kubernetes-models/keda",
};
const docs = JSON.parse(await new Promise((resolve) => {
  let text = "";
  process.stdin.on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
}));
let problems = 0;
for (const doc of docs) {
  const [group, version] = doc.apiVersion.split("/");
  const where = `${doc.kind}/${doc.metadata?.name}`;
  let model;
  try {
    model = await import(`${PACKAGES[group]}/${group}/${version}/${doc.kind}`);
  } catch {
    console.log(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
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
