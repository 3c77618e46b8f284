#!/usr/bin/env bash
# Mutation testing in slices: one Stryker run per module (or group), each with its own report under
# reports/mutation/slices/, at the lowest CPU priority so it only uses idle CPU. A full run of every
# module at once (npm run test:mutation) takes hours on a shared 2-core machine.
#   bash scripts/mutationSlices.sh [module.ts ...]     default: the security modules, most critical first
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
  )
fi
npm run build >/dev/null || exit 2
mkdir -p reports/mutation/slices
for module in "${SLICES[@]}"; do
  name=$(echo "$module" | sed 's#^provider/##; s#/#-#g; s#\.ts$##')
  started=$SECONDS
  AGENTID_PROPERTY_RUNS=60 AGENTID_PROPERTY_SEED=14 nice -n 19 npx stryker run --mutate "$module" > "reports/mutation/slices/$name.log" 2>&1
  cp reports/mutation/mutation.json "reports/mutation/slices/$name.json" 2>/dev/null
  echo "$module: $((SECONDS - started))s" | tee -a reports/mutation/slices/times.txt
done
