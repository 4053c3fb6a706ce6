variable "name_prefix" {
  description = "Prefix of the role names, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name_prefix))
    error_message = "name_prefix must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment (AWS account) these roles live in, e.g. local, staging or prod (envs/<name>/)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "repository" {
  description = "GitHub repository allowed to assume the roles, as owner/name (no wildcards)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$", var.repository))
    error_message = "repository must be a GitHub slug owner/name, e.g. acme-mlops/bikeshare-gitops (letters, digits, '-', '.', '_'; no wildcards)."
  }
}

variable "create_oidc_provider" {
  description = "Create the GitHub OIDC provider. There is one per account: set false when it exists (it is then looked up by its URL, or taken from oidc_provider_arn)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub OIDC provider, used when create_oidc_provider is false (null: looked up by its URL)."
  type        = string
  default     = null

  validation {
    condition     = var.oidc_provider_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider/token\\.actions\\.githubusercontent\\.com$", var.oidc_provider_arn))
    error_message = "oidc_provider_arn must be the ARN of GitHub's OIDC provider (arn:aws:iam::ACCOUNT:oidc-provider/token.actions.githubusercontent.com)."
  }
}

variable "oidc_thumbprints" {
  description = "Thumbprints of GitHub's OIDC endpoint certificate chain (IAM trusts its own CA store for GitHub, the API still wants one)."
  type        = list(string)
  default     = ["6938fd4d98bab03faadb97b34396831e3780aea1", "1c58a3a8518e8759bf075b76b750d4f2df264fcd"]

  validation {
    condition     = alltrue([for t in var.oidc_thumbprints : can(regex("^[0-9a-f]{40}$", t))])
    error_message = "oidc_thumbprints must be 40-character lowercase hex SHA-1 fingerprints."
  }
}

variable "plan_environment" {
  description = "GitHub environment whose jobs may assume the read-only plan role (sub repo:OWNER/NAME:environment:THIS)."
  type        = string
  default     = "plan"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,255}$", var.plan_environment))
    error_message = "plan_environment must be a GitHub environment name (letters, digits, '_', '.', '-'; no wildcards)."
  }
}

variable "create_release_role" {
  description = "Create the release role (push images to ECR, write artifacts). Only the account that holds the registry needs it."
  type        = bool
  default     = true
}

variable "release_branch" {
  description = "Branch whose workflow runs may assume the release role (sub repo:OWNER/NAME:ref:refs/heads/THIS)."
  type        = string
  default     = "main"

  validation {
    condition     = can(regex("^[A-Za-z0-9._/-]{1,255}$", var.release_branch)) && !can(regex("\\.\\.", var.release_branch))
    error_message = "release_branch must be a plain branch name such as main (no wildcards)."
  }
}

variable "deploy_environments" {
  description = "GitHub environments that get a deploy role each (sub repo:OWNER/NAME:environment:NAME), e.g. [\"staging\"]."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.deploy_environments : can(regex("^[A-Za-z0-9_.-]{1,255}$", e))])
    error_message = "deploy_environments must be GitHub environment names (letters, digits, '_', '.', '-'; no wildcards)."
  }
}

variable "ecr_repository_arn" {
  description = "ECR repository the release role may push to. Required when create_release_role is true."
  type        = string
  default     = null

  validation {
    condition     = !var.create_release_role || can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN when create_release_role is true."
  }
}

variable "create_intake_role" {
  description = "Create the intake role: the intake workflow reads the landing prefix of the artifacts bucket (intake_bucket_arn) and records what it did there, nothing else."
  type        = bool
  default     = false
}

variable "intake_environment" {
  description = "GitHub environment whose jobs may assume the intake role (sub repo:OWNER/NAME:environment:THIS)."
  type        = string
  default     = "intake"

  validation {
    condition     = can(regex("^[A-Za-z0-9_.-]{1,255}$", var.intake_environment))
    error_message = "intake_environment must be a GitHub environment name (letters, digits, '_', '.', '-'; no wildcards)."
  }
}

variable "intake_bucket_arn" {
  description = "Artifacts bucket whose landing prefix the intake role reads. Required when create_intake_role is true."
  type        = string
  default     = null

  validation {
    condition     = var.intake_bucket_arn == null ? !var.create_intake_role : can(regex("^arn:aws[a-z-]*:s3:::[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.intake_bucket_arn))
    error_message = "intake_bucket_arn must be an S3 bucket ARN (arn:aws:s3:::NAME, not an object or prefix) when create_intake_role is true."
  }
}

variable "intake_kms_key_arn" {
  description = "KMS key of the intake bucket (modules/artifacts' kms_key_arn): the intake role decrypts what it reads and encrypts what it records with it, through S3 only. Required when create_intake_role is true."
  type        = string
  default     = null

  validation {
    condition     = var.intake_kms_key_arn == null ? !var.create_intake_role : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.intake_kms_key_arn))
    error_message = "intake_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID, not an alias) when create_intake_role is true."
  }
}

variable "intake_prefix" {
  description = "Prefix the intake reads in the bucket (intake/landing.py: landing/<YYYY-MM>.csv); it records its outcomes under <prefix>_state/."
  type        = string
  default     = "landing/"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9_-]*/$", var.intake_prefix))
    error_message = "intake_prefix must be one folder name ending in '/', e.g. landing/ (no wildcards)."
  }
}

variable "release_policy_arns" {
  description = "Extra managed policies for the release role, keyed by static names (e.g. artifacts = read/write policy of the artifacts bucket)."
  type        = map(string)
  default     = {}
}

variable "state_bucket_arn" {
  description = "Terraform state bucket: the plan role may read state and write lock files, deploy roles may write state. Null grants nothing."
  type        = string
  default     = null
}

variable "deploy_policy_arns" {
  description = "Managed policies attached to every deploy role (terraform apply). IAM changes are limited separately to this project's names."
  type        = list(string)
  default     = ["arn:aws:iam::aws:policy/PowerUserAccess"]
}

variable "max_session_duration" {
  description = "Maximum session length of the roles, in seconds."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 900 and 43200 seconds."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "state_kms_key_arn" {
  description = "KMS key of the state bucket (modules/state's kms_key_arn). Null: the key is named by its alias, alias/<state bucket name>, in a condition."
  type        = string
  default     = null

  validation {
    condition     = var.state_kms_key_arn == null || can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[0-9a-f-]+$", var.state_kms_key_arn))
    error_message = "state_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias."
  }
}
