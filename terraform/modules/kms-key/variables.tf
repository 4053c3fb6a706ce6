variable "description" {
  description = "Description of the key: what it encrypts, e.g. bikeshare-staging VPC flow logs."
  type        = string

  validation {
    condition     = length(trimspace(var.description)) > 0
    error_message = "description must say what the key encrypts."
  }
}

variable "alias_name" {
  description = "Alias of the key without the alias/ prefix (e.g. bikeshare-staging-eks), or null for no alias."
  type        = string
  default     = null

  validation {
    condition     = var.alias_name == null ? true : can(regex("^[a-zA-Z0-9/_-]{1,250}$", var.alias_name)) && !startswith(var.alias_name, "aws/")
    error_message = "alias_name must be letters, digits, '/', '_' or '-' (without the alias/ prefix) and must not start with aws/ (reserved for AWS managed keys)."
  }
}

variable "deletion_window_in_days" {
  description = "Waiting period before the key is deleted after a destroy."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "cloudwatch_logs_group_arns" {
  description = "CloudWatch Logs groups (ARNs, in this account and region) allowed to encrypt with the key. Empty: only the account's IAM principals may use it."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.cloudwatch_logs_group_arns : can(regex("^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^*]+$", a))])
    error_message = "cloudwatch_logs_group_arns must be log-group ARNs (arn:PARTITION:logs:REGION:ACCOUNT:log-group:NAME) without wildcards."
  }
}

variable "tags" {
  description = "Tags added to the key."
  type        = map(string)
  default     = {}
}
