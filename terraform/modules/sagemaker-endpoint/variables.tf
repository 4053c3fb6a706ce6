variable "name" {
  description = "Name of the endpoint and prefix of its other resources, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the endpoint serves: local, staging or prod."
  type        = string

  validation {
    condition     = contains(["local", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, staging, prod."
  }
}

variable "image" {
  description = "Serving image pinned by digest (REGISTRY/REPOSITORY@sha256:...), read by the caller from the environment's release file in git, so deploying and rolling back stay commits."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9.-]+(:[0-9]+)?/[a-z0-9._/-]+@sha256:[0-9a-f]{64}$", var.image))
    error_message = "image must be pinned by digest: REGISTRY/REPOSITORY@sha256:<64 hex digits> (a tag can move; a digest cannot)."
  }
}

variable "model_version" {
  description = "Model version the image serves (the release file's bikeshare.acme-mlops.io/model-version), recorded as a tag on the model and the endpoint."
  type        = string
  default     = "unreleased"

  validation {
    condition     = can(regex("^[A-Za-z0-9._+-]{1,128}$", var.model_version))
    error_message = "model_version must be 1-128 letters, digits, '.', '_', '+' or '-'."
  }
}

variable "ecr_repository_arn" {
  description = "ECR repository the image is pulled from (the only repository the execution role may pull from; may be in another account)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/[a-z0-9._/-]+$", var.ecr_repository_arn))
    error_message = "ecr_repository_arn must be an ECR repository ARN (arn:PARTITION:ecr:REGION:ACCOUNT:repository/NAME)."
  }
}

variable "data_capture_bucket_name" {
  description = "Bucket that receives the captured requests and responses (the artifacts bucket)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.data_capture_bucket_name))
    error_message = "data_capture_bucket_name must be an S3 bucket name."
  }
}

variable "data_capture_prefix" {
  description = "Key prefix of the captured data in the bucket, without slashes at either end; the execution role may write only under it."
  type        = string
  default     = "data-capture/sagemaker"

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*$", var.data_capture_prefix)) && !strcontains(var.data_capture_prefix, "*")
    error_message = "data_capture_prefix must be a key prefix without leading or trailing '/' and without '*'."
  }
}

variable "data_capture_sampling_percentage" {
  description = "Share of requests captured, in percent."
  type        = number
  default     = 100

  validation {
    condition     = var.data_capture_sampling_percentage >= 1 && var.data_capture_sampling_percentage <= 100 && floor(var.data_capture_sampling_percentage) == var.data_capture_sampling_percentage
    error_message = "data_capture_sampling_percentage must be a whole number from 1 to 100."
  }
}

variable "kms_key_arn" {
  description = "KMS key (the artifacts key) that encrypts the captured data and the instances' storage volumes."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID)."
  }
}

variable "instance_type" {
  description = "Instance type of the production variant."
  type        = string
  default     = "ml.m5.large"

  validation {
    condition     = startswith(var.instance_type, "ml.")
    error_message = "instance_type must be a SageMaker instance type (ml.*)."
  }
}

variable "autoscaling" {
  description = "Instance counts and the target-tracking goal: invocations per instance per minute (SageMakerVariantInvocationsPerInstance); cooldowns in seconds."
  type = object({
    min_instances                   = optional(number, 1)
    max_instances                   = optional(number, 4)
    target_invocations_per_instance = optional(number, 600)
    scale_in_cooldown_seconds       = optional(number, 300)
    scale_out_cooldown_seconds      = optional(number, 60)
  })
  default = {}

  validation {
    condition = (
      var.autoscaling.min_instances >= 1 &&
      var.autoscaling.max_instances >= var.autoscaling.min_instances &&
      var.autoscaling.target_invocations_per_instance > 0 &&
      var.autoscaling.scale_in_cooldown_seconds >= 0 &&
      var.autoscaling.scale_out_cooldown_seconds >= 0
    )
    error_message = "autoscaling: 1 <= min_instances <= max_instances, target_invocations_per_instance > 0, cooldowns >= 0."
  }
}

variable "log_retention_days" {
  description = "Retention of the endpoint's CloudWatch Logs group."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Deletion window of the KMS key of the endpoint's log group."
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
