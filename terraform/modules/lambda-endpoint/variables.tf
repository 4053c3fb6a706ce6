variable "name" {
  description = "Name of the function and prefix of its other resources, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the function serves: local, staging or prod."
  type        = string

  validation {
    condition     = contains(["local", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, staging, prod."
  }
}

variable "image" {
  description = "Serving image pinned by digest (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY@sha256:...), read by the caller from the environment's release file in git, so deploying and rolling back stay commits."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}\\.dkr\\.ecr\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be an ECR image pinned by digest, ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY@sha256:<64 hex digits> (a tag can move; a digest cannot)."
  }
}

variable "model_version" {
  description = "Model version the image serves (the release file's bikeshare.acme-mlops.io/model-version), recorded in the function's description, tags and alias."
  type        = string
  default     = "unreleased"

  validation {
    condition     = can(regex("^[A-Za-z0-9._+-]{1,128}$", var.model_version))
    error_message = "model_version must be 1-128 letters, digits, '.', '_', '+' or '-'."
  }
}

variable "ecr_repository_arn" {
  description = "ECR repository the release pushes to; the image must come from it."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN (arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME)."
  }
}

variable "check_image_in_registry" {
  description = "Look the digest up in the registry at plan time, so that a release file naming a digest the registry does not have stops the plan. Off only where the registry cannot be read (a mocked provider)."
  type        = bool
  default     = true
  nullable    = false
}

variable "memory_mb" {
  description = "Memory of the function in MB (Lambda gives one vCPU per 1,769 MB)."
  type        = number
  default     = 2048

  validation {
    condition     = var.memory_mb >= 512 && var.memory_mb <= 10240 && floor(var.memory_mb) == var.memory_mb
    error_message = "memory_mb must be a whole number from 512 to 10240 (the model and SHAP need more than 512)."
  }
}

variable "timeout_seconds" {
  description = "Longest an invocation may run; API Gateway gives up after 29 s."
  type        = number
  default     = 29

  validation {
    condition     = var.timeout_seconds >= 3 && var.timeout_seconds <= 29 && floor(var.timeout_seconds) == var.timeout_seconds
    error_message = "timeout_seconds must be a whole number from 3 to 29 (API Gateway's integration timeout)."
  }
}

variable "reserved_concurrency" {
  description = "Concurrent executions reserved for the function: its ceiling, and capacity no other function of the account can take."
  type        = number
  default     = 10

  validation {
    condition     = var.reserved_concurrency >= 1 && var.reserved_concurrency <= 900 && floor(var.reserved_concurrency) == var.reserved_concurrency
    error_message = "reserved_concurrency must be a whole number from 1 to 900 (Lambda keeps 100 of an account's default 1,000 unreserved)."
  }
}

variable "provisioned_concurrency" {
  description = "Execution environments kept initialised on the release's alias (no cold start for them; billed while idle). 0: none, scale to zero."
  type        = number
  default     = 0

  validation {
    condition     = var.provisioned_concurrency >= 0 && var.provisioned_concurrency <= var.reserved_concurrency && floor(var.provisioned_concurrency) == var.provisioned_concurrency
    error_message = "provisioned_concurrency must be a whole number from 0 to reserved_concurrency."
  }
}

variable "alarm_topic_arn" {
  description = "SNS topic the alarms notify (modules/cloudwatch-alarms' topic). Null: alarms without actions."
  type        = string
  default     = null

  validation {
    condition     = var.alarm_topic_arn == null ? true : can(regex("^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+$", var.alarm_topic_arn))
    error_message = "alarm_topic_arn must be an SNS topic ARN."
  }
}

variable "alarms" {
  description = "Alarm thresholds on the release's alias: errors and throttles per period, p99 duration in ms; period in seconds."
  type = object({
    errors             = optional(number, 0)
    throttles          = optional(number, 0)
    p99_duration_ms    = optional(number, 1000)
    period_seconds     = optional(number, 300)
    evaluation_periods = optional(number, 1)
  })
  default  = {}
  nullable = false

  validation {
    condition = (
      var.alarms.errors >= 0 && var.alarms.throttles >= 0 &&
      var.alarms.p99_duration_ms > 0 && var.alarms.p99_duration_ms <= 29000 &&
      contains([60, 300, 900, 3600], var.alarms.period_seconds) && var.alarms.evaluation_periods >= 1
    )
    error_message = "alarms: errors and throttles >= 0, 0 < p99_duration_ms <= 29000, period_seconds one of 60, 300, 900, 3600, evaluation_periods >= 1."
  }
}

variable "runbook_base_url" {
  description = "Where the runbooks (docs/runbooks/) are read; each alarm's description links its page."
  type        = string
  default     = "https://github.com/acme-mlops/bikeshare-gitops/blob/main/docs/runbooks"

  validation {
    condition     = can(regex("^https://[^ ]+[^/]$", var.runbook_base_url))
    error_message = "runbook_base_url must be an https URL without a trailing slash."
  }
}

variable "log_retention_days" {
  description = "Retention of the function's CloudWatch Logs group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Deletion window of the KMS key of the log group and environment."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary set on every role this module creates (modules/github-oidc's permissions_boundary_arn). Null: none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/.+$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)."
  }
}
