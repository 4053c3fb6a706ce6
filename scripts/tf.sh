#!/usr/bin/env bash
# Terraform as the make targets run it (mk/terraform.mk): the provider mirror when this
# machine has one (discovered at run time, plain registry downloads otherwise), one data
# directory per root under TF_BUILD, the moto emulator for ENV=local.
#
#   scripts/tf.sh validate ROOT...            validate each root (no backend, no credentials)
#   scripts/tf.sh test MODULE...              `terraform test` each module that has tests/
#   scripts/tf.sh plan|apply|destroy ENV      one environment (destroy: local only)
#   scripts/tf.sh plan-save ENV               plan into TF_BUILD/plan-ENV.tfplan, its sha256 beside it
#   scripts/tf.sh apply-plan ENV SHA256       apply exactly that saved plan, refused if its sha256 differs
#   scripts/tf.sh bootstrap ENV               the state bucket of ENV, its own state moved in
#   scripts/tf.sh output ENV NAME             one output of ENV as JSON (e.g. gitops_bridge)
#   scripts/tf.sh vars ENV                    the -var flags of ENV, one per line
#
# Environment: TF (the terraform binary), TF_BUILD (default build/terraform), TF_STATE_BUCKET
# (staging, prod; bootstrap local has a default), MOTO_ENDPOINT and MOTO_DIR (local; the
# emulator's fake credentials come from the caller: make exports them).
set -euo pipefail
usage="Usage: scripts/tf.sh validate|test DIR... | plan|apply|destroy|bootstrap|plan-save ENV | apply-plan ENV SHA256 | output ENV NAME"
cd "$(dirname "$0")/.."
tf="${TF:-terraform}"
build="${TF_BUILD:-$PWD/build/terraform}"
cfg="$(terraform/scripts/cli-config.sh)"
if [ -n "$cfg" ]; then export TF_CLI_CONFIG_FILE="$cfg"; fi
export TF_IN_AUTOMATION=1

validate() {
  for d in "$@"; do
    TF_DATA_DIR="$build/validate/$(basename "$d")"
    export TF_DATA_DIR
    if "$tf" -chdir="$d" init -input=false -backend=false >/dev/null &&
      "$tf" -chdir="$d" validate -no-color >/dev/null; then
      echo "valid: $d"
    else
      echo "INVALID: $d" >&2
      "$tf" -chdir="$d" validate -no-color >&2
      exit 1
    fi
  done
}

test_modules() {
  for d in "$@"; do
    [ -d "$d/tests" ] || continue
    TF_DATA_DIR="$build/test/$(basename "$d")"
    export TF_DATA_DIR
    "$tf" -chdir="$d" init -input=false -backend=false >/dev/null
    "$tf" -chdir="$d" test -no-color
  done
}

# init of ENV's root and the -var flags its plan/apply/destroy/output need, in $vars. local is
# its own root (moto); every other environment is a folder envs/<env>/ of tfvars applied with
# the shared root account/, one state key and one .terraform per environment.
# ENV's root in $dir and the -var flags its plan/apply/destroy/output need in $vars.
env_vars() {
  env="${1:?$usage}"
  if [ "$env" = local ]; then
    dir=terraform/envs/local
    vars=(-var "aws_endpoint=${MOTO_ENDPOINT:?Set MOTO_ENDPOINT (make moto-start prints it).}")
  else
    dir=terraform/account
    tfvars="$PWD/terraform/envs/$env/terraform.tfvars"
    [ -f "$tfvars" ] || { echo "No environment $env (no $tfvars)." >&2; exit 1; }
    if [ -z "${TF_STATE_BUCKET:-}" ]; then
      echo "Set TF_STATE_BUCKET to the state bucket made by 'make tf-bootstrap ENV=$env'." >&2
      exit 1
    fi
    vars=(-var "environment=$env" -var "state_bucket=$TF_STATE_BUCKET" -var-file="$tfvars")
    # Account values (`make configure`) after the environment's shape.
    account="$PWD/terraform/envs/$env/platform.auto.tfvars.json"
    if [ -f "$account" ]; then vars+=(-var-file="$account"); fi
  fi
}

# init of ENV's root: local is its own root (moto); every other environment is a folder
# envs/<env>/ of tfvars applied with the shared root account/, one state key and one
# .terraform per environment.
init_env() {
  env_vars "$@"
  if [ "$env" = local ]; then
    "$tf" -chdir="$dir" init -input=false -reconfigure \
      -backend-config=path="$build/local/terraform.tfstate" >/dev/null
  else
    export TF_DATA_DIR="$build/env-$env"
    "$tf" -chdir="$dir" init -input=false -reconfigure -backend-config=backend.hcl \
      -backend-config=key="$env/terraform.tfstate" -backend-config=bucket="$TF_STATE_BUCKET" >/dev/null
  fi
}

plan() {
  init_env "$@"
  rc=0
  "$tf" -chdir="$dir" plan -input=false -detailed-exitcode "${vars[@]}" || rc=$?
  case $rc in
    0) echo "No changes." ;;
    2) echo "Changes pending (exit code 2 from -detailed-exitcode)." ;;
    *) exit $rc ;;
  esac
}

apply() {
  init_env "$@"
  local approve=()
  if [ "$env" = local ]; then approve=(-auto-approve); fi
  start=$(date +%s)
  "$tf" -chdir="$dir" apply -input=false "${approve[@]}" "${vars[@]}"
  echo "apply took $(($(date +%s) - start)) s"
}

# The reviewed saved plan: plan-save writes the plan file, its text and its sha256; the
# apply job (behind the environment's reviewers) checks the sha256 the plan job published
# and applies that file, so what runs is what was reviewed, never a fresh plan.
plan_save() {
  init_env "$@"
  local out="$build/plan-$env.tfplan"
  mkdir -p "$build"
  "$tf" -chdir="$dir" plan -input=false -out="$out" "${vars[@]}"
  "$tf" -chdir="$dir" show -no-color "$out" >"$build/plan-$env.txt"
  sha256sum "$out" | cut -d' ' -f1 >"$out.sha256"
  echo "Saved plan $out (sha256 $(cat "$out.sha256"))."
}

apply_plan() {
  local expected="${2:-}" out="$build/plan-${1:-}.tfplan"
  [ -n "$expected" ] || { echo "Give the sha256 the plan job published (PLAN_SHA256=...): only a reviewed plan is applied." >&2; exit 1; }
  [ -f "$out" ] || { echo "No saved plan $out: download the plan artifact of this run first." >&2; exit 1; }
  local actual
  actual="$(sha256sum "$out" | cut -d' ' -f1)"
  if [ "$actual" != "$expected" ]; then
    echo "The saved plan's sha256 is $actual, not the reviewed $expected: refusing to apply; re-run the plan job." >&2
    exit 1
  fi
  init_env "$1"
  start=$(date +%s)
  "$tf" -chdir="$dir" apply -input=false "$out"
  echo "apply of the reviewed plan took $(($(date +%s) - start)) s"
}

destroy() {
  if [ "${1:-}" != local ]; then
    echo "tf-destroy only runs for ENV=local; staging and prod are destroyed by a reviewed change, not a make target." >&2
    exit 1
  fi
  if [ ! -f "${MOTO_DIR:?Set MOTO_DIR (where moto.pid is)}/moto.pid" ]; then
    echo "moto is not running: the local stack is already gone."
    exit 0
  fi
  init_env "$@"
  start=$(date +%s)
  "$tf" -chdir="$dir" destroy -input=false -auto-approve "${vars[@]}"
  echo "destroy took $(($(date +%s) - start)) s"
}

# The flags, one per line (tests plan a copy of the repository with them).
print_vars() {
  env_vars "$@"
  printf '%s\n' "${vars[@]}"
}

output() {
  init_env "${1:-}"
  "$tf" -chdir="$dir" output -json "${2:?$usage}"
}

bootstrap() {
  env="${1:?$usage}"
  export TF_DATA_DIR="$build/bootstrap-$env"
  if [ "$env" = local ]; then
    terraform/scripts/bootstrap.sh local "${TF_STATE_BUCKET:-bikeshare-tfstate-local}" \
      "${MOTO_ENDPOINT:?Set MOTO_ENDPOINT (make moto-start prints it).}"
  else
    if [ -z "${TF_STATE_BUCKET:-}" ]; then
      echo "Set TF_STATE_BUCKET, e.g. bikeshare-tfstate-<account id>." >&2
      exit 1
    fi
    terraform/scripts/bootstrap.sh "$env" "$TF_STATE_BUCKET"
  fi
}

command="${1:-}"
shift || true
case "$command" in
  validate | plan | apply | destroy | bootstrap | output) "$command" "$@" ;;
  vars) print_vars "$@" ;;
  plan-save) plan_save "$@" ;;
  apply-plan) apply_plan "$@" ;;
  test) test_modules "$@" ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
