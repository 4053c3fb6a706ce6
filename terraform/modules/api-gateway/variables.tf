variable "name" {
  description = "Name of the API and prefix of its other resources, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the API fronts: local, staging or prod (also the stage name)."
  type        = string

  validation {
    condition     = contains(["local", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, staging, prod."
  }
}

variable "allowed_cidrs" {
  description = "Client IPv4 ranges allowed to call the API (resource policy and WAF IP set); every other source is denied."
  type        = list(string)

  validation {
    condition     = length(var.allowed_cidrs) > 0 && alltrue([for c in var.allowed_cidrs : can(cidrhost(c, 0)) && can(regex("^(\\d{1,3}\\.){3}\\d{1,3}/\\d{1,2}$", c))])
    error_message = "allowed_cidrs must list at least one IPv4 CIDR block, e.g. 203.0.113.0/24."
  }
  validation {
    condition     = alltrue([for c in var.allowed_cidrs : tonumber(split("/", c)[1]) >= 8])
    error_message = "allowed_cidrs must not contain blocks wider than /8 (0.0.0.0/0 is no allow-list)."
  }
}

variable "invoke_account_ids" {
  description = "Accounts whose IAM principals may invoke the API (requests are SigV4-signed, AWS_IAM authorization). Empty: this account only."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for a in var.invoke_account_ids : can(regex("^[0-9]{12}$", a))])
    error_message = "invoke_account_ids must be 12-digit AWS account IDs."
  }
}

variable "eks_backend" {
  description = "The service on EKS behind an internal Network Load Balancer (a Service of type LoadBalancer, internal scheme, made by the AWS Load Balancer Controller): its ARN for the VPC link, its DNS name and port. Null: no EKS routes."
  type = object({
    nlb_arn      = string
    nlb_dns_name = string
    port         = optional(number, 80)
  })
  default = null

  validation {
    condition = var.eks_backend == null ? true : (
      can(regex("^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/net/[A-Za-z0-9-]+/[0-9a-f]+$", var.eks_backend.nlb_arn)) &&
      can(regex("^[A-Za-z0-9.-]+$", var.eks_backend.nlb_dns_name)) &&
      var.eks_backend.port >= 1 && var.eks_backend.port <= 65535
    )
    error_message = "eks_backend.nlb_arn must be a Network Load Balancer ARN (.../loadbalancer/net/NAME/ID; REST API VPC links take only NLBs), nlb_dns_name a host name and port 1-65535."
  }
}

variable "sagemaker_endpoint" {
  description = "SageMaker endpoint served at POST /sagemaker/predict through API Gateway's SageMaker runtime integration: its name and ARN. Null: no SageMaker route."
  type = object({
    name = string
    arn  = string
  })
  default = null

  validation {
    condition = var.sagemaker_endpoint == null ? true : (
      can(regex("^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$", var.sagemaker_endpoint.name)) &&
      can(regex("^arn:aws[a-z-]*:sagemaker:[a-z0-9-]+:[0-9]{12}:endpoint/.+$", var.sagemaker_endpoint.arn))
    )
    error_message = "sagemaker_endpoint needs the endpoint's name and its ARN (arn:PARTITION:sagemaker:REGION:ACCOUNT:endpoint/NAME)."
  }
}

variable "lambda_backend" {
  description = "Lambda function served at ANY /lambda/{proxy+} through a proxy integration (payload 1.0): its name, the release's alias and the alias's invoke ARN (modules/lambda-endpoint's outputs). Null: no Lambda routes."
  type = object({
    function_name = string
    alias         = string
    invoke_arn    = string
  })
  default = null

  validation {
    condition = var.lambda_backend == null ? true : (
      can(regex("^[A-Za-z0-9_-]{1,64}$", var.lambda_backend.function_name)) &&
      can(regex("^[A-Za-z0-9_-]{1,128}$", var.lambda_backend.alias)) &&
      can(regex("^arn:aws[a-z-]*:apigateway:[a-z0-9-]+:lambda:path/2015-03-31/functions/arn:aws[a-z-]*:lambda:[a-z0-9-]+:[0-9]{12}:function:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+/invocations$", var.lambda_backend.invoke_arn))
    )
    error_message = "lambda_backend needs the function's name, the alias and the alias's invoke ARN (arn:PARTITION:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN:ALIAS/invocations)."
  }
}

variable "throttling" {
  description = "Stage-wide throttling of every method: steady requests per second and burst."
  type = object({
    rate_limit  = optional(number, 100)
    burst_limit = optional(number, 200)
  })
  default = {}

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.burst_limit >= 1 && floor(var.throttling.burst_limit) == var.throttling.burst_limit
    error_message = "throttling.rate_limit must be > 0 and burst_limit a whole number >= 1."
  }
}

variable "waf_rate_limit_per_5_minutes" {
  description = "Requests one client IP may send in 5 minutes before the WAF blocks it (besides the stage's throttling, which is shared by all clients)."
  type        = number
  default     = 2000

  validation {
    condition     = var.waf_rate_limit_per_5_minutes >= 100 && floor(var.waf_rate_limit_per_5_minutes) == var.waf_rate_limit_per_5_minutes
    error_message = "waf_rate_limit_per_5_minutes must be a whole number >= 100 (the WAF minimum)."
  }
}

variable "manage_account_logging_role" {
  description = "Set the account-wide API Gateway CloudWatch Logs role (needed once per account and region for stage logging). False if something else in the account already sets it."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Retention of the access-log and WAF-log groups."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts (e.g. 30, 90, 365)."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Deletion window of the KMS key of the log groups."
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
