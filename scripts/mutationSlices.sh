#!/usr/bin/env bash
# Mutation testing in slices: one Stryker run per module (or group), each with its own report under
# reports/mutation/slices/, at the lowest CPU priority so it only uses idle CPU. A full run of every
# module at once (npm run test:mutation) takes hours on a shared 2-core machine.
#   bash scripts/mutationSlices.sh [module.ts ...]     default: the security modules, most critical first
#   STRYKER_ARGS='--ignoreStatic' bash scripts/mutationSlices.sh …   extra Stryker options for every slice
# Each slice runs the same tests as the full run, but the test files that import the module directly
# first: Stryker stops a mutant at its first failing test, so a killed mutant rarely waits for the rest.
#   SLICE_TESTS='test/a.test.ts test/b.test.ts' SLICE_LABEL=static bash scripts/mutationSlices.sh module.ts
# runs only those test files (a lower bound on the score: fewer tests kill fewer mutants), e.g. to afford
# static mutants, each of which runs every test in a fresh process; the report is <module>-<label>.json.
# Stryker runs without the TypeScript checker (stryker.config.json "checkers": []): mutants the compiler
# would reject run as JavaScript and count in the score, which makes it stricter. The checker type-checks
# each mutant: 7–8 s a mutant on this shared machine, against well under a second without it (model/names.ts:
# 42 mutants in 8 s after the dry run).   SLICE_CHECKERS=typescript bash scripts/mutationSlices.sh module.ts
# brings it back (compile errors then leave the score).
set -uo pipefail
cd "$(dirname "$0")/.."
SLICES=("$@")
if [ ${#SLICES[@]} -eq 0 ]; then
  SLICES=(
    provider/connectors/wildcards.ts provider/connectors/arnGrammar.ts provider/connectors/forbiddenActions.ts
    provider/guardrails/identities.ts provider/guardrails/validate.ts provider/guardrails/agentRules.ts
    provider/platforms/aws/iamDocuments.ts provider/platforms/kubernetes/manifests.ts
    provider/connectors/aws.ts provider/connectors/kubernetes.ts provider/connectors/saas.ts provider/connectors/catalog.ts
    provider/connectors/iamData.ts provider/connectors/contract.ts provider/connectors/oauthScopes.ts
    provider/guardrails/fleetSettings.ts provider/declarations/names.ts provider/model/names.ts provider/model/oauthSharing.ts
    provider/model/settings.ts provider/platforms/agentcore/cedar.ts
    provider/policy/policies.ts provider/policy/agentRoles.ts provider/policy/permissions.ts provider/policy/kubernetes.ts provider/policy/trust.ts
    provider/model/trustModes.ts provider/model/permissions.ts provider/model/resolvedAgent.ts provider/guardrails/separationOfDuties.ts
    provider/connectors/arnMatching.ts provider/policy/duties.ts provider/review/whoCan.ts
  )
fi
npm run build >/dev/null || exit 2
mkdir -p reports/mutation/slices
for module in "${SLICES[@]}"; do
  name=$(echo "$module" | sed 's#^provider/##; s#/#-#g; s#\.ts$##')${SLICE_LABEL:+-$SLICE_LABEL}
  # Test files that import the module (by its path without .ts), compiled, first; then the usual spec.
  path=${module#provider/}; path=${path%.ts}
  first=$(grep -rlE "provider/$path\"" test --include='*.ts' 2>/dev/null | sed 's#\.ts$#.js#; s#^#dist/#' | sort)
  config="reports/mutation/slices/$name.stryker.json"
  only=$(for f in ${SLICE_TESTS:-}; do echo "$f"; done | sed 's#\.ts$#.js#; s#^#dist/#')
  FIRST="$first" ONLY="$only" node -e '
    const fs = require("fs");
    const config = JSON.parse(fs.readFileSync("stryker.config.json", "utf8"));
    const mocharc = JSON.parse(fs.readFileSync(config.mochaOptions.config, "utf8"));
    const first = process.env.FIRST.split("\n").filter((f) => f !== "" && !f.startsWith("dist/test/e2e/"));
    const only = process.env.ONLY.split("\n").filter((f) => f !== "");
    config.mochaOptions = { ...config.mochaOptions, spec: only.length > 0 ? only : [...first, ...mocharc.spec] };
    config.jsonReporter = { fileName: process.argv[1] };
    config.eventReporter = { baseDir: process.argv[1].replace(/\.json$/, ".events") };
    config.tempDirName = ".stryker-tmp-" + process.argv[3];
    if (process.env.SLICE_CHECKERS === "typescript") config.checkers = ["typescript"];
    if (process.env.SLICE_CHECKERS === "none") config.checkers = [];
    config.ignorePatterns = [...config.ignorePatterns, ".stryker-tmp-*"];
    delete config.$schema;
    fs.writeFileSync(process.argv[2], JSON.stringify(config, null, 2));
  ' "reports/mutation/slices/$name.json" "$config" "$name" || exit 2
  started=$SECONDS
  AGENTID_PROPERTY_RUNS=60 AGENTID_PROPERTY_SEED=14 nice -n 19 npx stryker run "$config" --mutate "$module" ${STRYKER_ARGS:-} > "reports/mutation/slices/$name.log" 2>&1
  echo "$name: $((SECONDS - started))s ${STRYKER_ARGS:-}" | tee -a reports/mutation/slices/times.txt
done
