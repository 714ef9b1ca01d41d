#!/usr/bin/env bash
# Creates (or updates) a Cloud Scheduler job that launches the synthsieve Flex Template every day at 03:00 UTC.
# The request body is launch.json; the launcher turns {yesterday} into the launch date minus one day, so each
# launch cleans the previous day's partition into its own prefix, gs://$BUCKET/synthsieve/dt=YYYY-MM-DD/, whose
# _manifest.json appears when the job has succeeded.
#
# Environment: PROJECT, REGION, BUCKET, SERVICE_ACCOUNT (required; the account needs roles/dataflow.developer and
# roles/iam.serviceAccountUser on itself), TAG (default: the package version), SCHEDULE (default "0 3 * * *").
set -euo pipefail
cd "$(dirname "$0")/../.."
for v in PROJECT REGION BUCKET SERVICE_ACCOUNT; do [ -n "${!v:-}" ] || { echo "cloud_scheduler.sh: set $v" >&2; exit 2; }; done
TAG=${TAG:-$(sed -n 's/^version = "\(.*\)"/\1/p' pyproject.toml)}
SCHEDULE=${SCHEDULE:-0 3 * * *}

body=$(mktemp)
trap 'rm -f "$body"' EXIT
sed -e "s|\${BUCKET}|$BUCKET|g" -e "s|\${TAG}|$TAG|g" -e "s|\${SERVICE_ACCOUNT}|$SERVICE_ACCOUNT|g" \
  deploy/schedule/launch.json > "$body"

verb=create headers=--headers
if gcloud scheduler jobs describe synthsieve-daily --project="$PROJECT" --location="$REGION" >/dev/null 2>&1; then
  verb=update headers=--update-headers
fi
gcloud scheduler jobs "$verb" http synthsieve-daily --project="$PROJECT" --location="$REGION" \
  --schedule="$SCHEDULE" --time-zone=Etc/UTC --http-method=POST \
  --uri="https://dataflow.googleapis.com/v1b3/projects/$PROJECT/locations/$REGION/flexTemplates:launch" \
  "$headers"=Content-Type=application/json --message-body-from-file="$body" \
  --oauth-service-account-email="$SERVICE_ACCOUNT" --oauth-token-scope=https://www.googleapis.com/auth/cloud-platform
