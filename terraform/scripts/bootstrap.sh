#!/usr/bin/env bash
# Create the Terraform state bucket of one environment and move the bootstrap root's own
# state into it (the chicken-and-egg order, see terraform/README.md).
#
#   bootstrap.sh ENV BUCKET [AWS_ENDPOINT]
#
# 1. If BUCKET already holds the bootstrap state: init against it and apply (idempotent).
# 2. Otherwise: apply with local state (override file), then `init -migrate-state` into
#    BUCKET, delete the local copy, and plan once more against S3 to prove nothing changes.
# TF_DATA_DIR may be set by the caller (one per environment); TF and TF_CLI_CONFIG_FILE too.
set -euo pipefail

env="${1:?usage: bootstrap.sh ENV BUCKET [AWS_ENDPOINT]}"
bucket="${2:?usage: bootstrap.sh ENV BUCKET [AWS_ENDPOINT]}"
endpoint="${3:-}"
tf="${TF:-terraform}"
root="$(cd "$(dirname "$0")/../bootstrap" && pwd)"
work="${TF_DATA_DIR:-$root/.terraform}"
mkdir -p "$work"
export TF_DATA_DIR="$work"
export TF_IN_AUTOMATION=1

backend=(
  -backend-config="bucket=$bucket"
  -backend-config="key=bootstrap/terraform.tfstate"
  -backend-config="region=${AWS_REGION:-us-east-1}"
  -backend-config="encrypt=true"
  -backend-config="use_lockfile=true"
)
vars=(-var "environment=$env" -var "bucket_name=$bucket")
if [ -n "$endpoint" ]; then
  backend+=(
    -backend-config="endpoints={s3=\"$endpoint\",sts=\"$endpoint\"}"
    -backend-config="use_path_style=true"
    -backend-config="skip_credentials_validation=true"
    -backend-config="skip_requesting_account_id=true"
    -backend-config="skip_metadata_api_check=true"
  )
  vars+=(-var "aws_endpoint=$endpoint")
fi

cd "$root"
override="$root/local_backend_override.tf"
trap 'rm -f "$override"' EXIT

if "$tf" init -input=false -reconfigure "${backend[@]}" >"$work/init-s3.log" 2>&1 &&
  [ -n "$("$tf" state list 2>/dev/null)" ]; then
  echo "State bucket $bucket exists and holds the bootstrap state: applying in place."
  "$tf" apply -input=false -auto-approve "${vars[@]}"
  exit 0
fi

echo "Step 1/3: create $bucket with local state."
local_state="$work/bootstrap-$env.tfstate"
printf 'terraform {\n  backend "local" {\n    path = "%s"\n  }\n}\n' "$local_state" >"$override"
"$tf" init -input=false -reconfigure >/dev/null
"$tf" apply -input=false -auto-approve "${vars[@]}"

echo "Step 2/3: migrate the bootstrap state into s3://$bucket/bootstrap/terraform.tfstate."
rm -f "$override"
"$tf" init -input=false -migrate-state -force-copy "${backend[@]}"
rm -f "$local_state" "$local_state.backup"

echo "Step 3/3: plan against the migrated state (expect no changes)."
"$tf" plan -input=false -detailed-exitcode "${vars[@]}"
