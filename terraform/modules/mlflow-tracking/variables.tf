variable "name" {
  description = "Name of the tracking server and prefix of its roles, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment (AWS account) of the server, e.g. staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,9}$", var.environment))
    error_message = "environment must be 2-10 lowercase letters and digits, starting with a letter."
  }
}

variable "artifacts_bucket_name" {
  description = "The artifacts bucket (modules/artifacts): MLflow's artifacts go under artifacts_prefix in it."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.artifacts_bucket_name))
    error_message = "artifacts_bucket_name must be an S3 bucket name."
  }
}

variable "artifacts_prefix" {
  description = "Key prefix of MLflow's artifacts in the bucket (no leading or trailing slash)."
  type        = string
  default     = "mlflow"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9/_-]*[a-z0-9]$", var.artifacts_prefix))
    error_message = "artifacts_prefix must be a key prefix without leading or trailing slash, e.g. mlflow."
  }
}

variable "artifacts_kms_key_arn" {
  description = "KMS key of the artifacts bucket (the server encrypts and decrypts artifacts with it)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.artifacts_kms_key_arn))
    error_message = "artifacts_kms_key_arn must be a KMS key ARN."
  }
}

variable "size" {
  description = "Tracking server size: Small (up to 25 users), Medium, Large."
  type        = string
  default     = "Small"

  validation {
    condition     = contains(["Small", "Medium", "Large"], var.size)
    error_message = "size must be Small, Medium or Large."
  }
}

variable "mlflow_version" {
  description = "MLflow version of the managed server (one SageMaker offers; clients pin a compatible mlflow)."
  type        = string
  default     = "3.0"

  validation {
    condition     = can(regex("^[0-9]+\\.[0-9]+(\\.[0-9]+)?$", var.mlflow_version))
    error_message = "mlflow_version must look like 3.0 or 2.16.2."
  }
}

variable "weekly_maintenance_window_start" {
  description = "Weekly maintenance window start, e.g. Sun:03:00 (UTC)."
  type        = string
  default     = "Sun:03:00"

  validation {
    condition     = can(regex("^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):[0-2][0-9]:[0-5][0-9]$", var.weekly_maintenance_window_start))
    error_message = "weekly_maintenance_window_start must look like Sun:03:00."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the server's role (modules/github-oidc's permissions_boundary_arn). Null: none."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
