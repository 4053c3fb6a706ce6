variable "name" {
  description = "Name prefix for every resource, e.g. bikeshare-staging."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,30}[a-z0-9]$", var.name))
    error_message = "name must be 3-32 characters of lowercase letters, digits and hyphens, starting with a letter."
  }
}

variable "environment" {
  description = "Environment the alarms watch: local, staging or prod."
  type        = string

  validation {
    condition     = contains(["local", "staging", "prod"], var.environment)
    error_message = "environment must be one of local, staging, prod."
  }
}

variable "kms_key_arn" {
  description = "KMS key that encrypts the SNS topic. Its policy must let cloudwatch.amazonaws.com use kms:GenerateDataKey* and kms:Decrypt. Null: the module creates such a key."
  type        = string
  default     = null

  validation {
    condition     = var.kms_key_arn == null ? true : can(regex("^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$", var.kms_key_arn))
    error_message = "kms_key_arn must be a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID), or null."
  }
}

variable "kms_deletion_window_in_days" {
  description = "Deletion window of the key the module creates when kms_key_arn is null."
  type        = number
  default     = 30

  validation {
    condition     = var.kms_deletion_window_in_days >= 7 && var.kms_deletion_window_in_days <= 30
    error_message = "kms_deletion_window_in_days must be between 7 and 30."
  }
}

variable "email_subscriptions" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm by mail). Empty: subscribe elsewhere, e.g. a chat integration, to the output topic."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.email_subscriptions : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "email_subscriptions must be e-mail addresses."
  }
}

variable "subscriptions" {
  description = "Other subscribers of the alarm topic: protocol https (e.g. PagerDuty's CloudWatch integration URL), sqs or lambda, each with its endpoint, or with the name of a Secrets Manager secret that holds it (for endpoints that carry a key)."
  type = list(object({
    protocol             = string
    endpoint             = optional(string)
    endpoint_secret_name = optional(string)
  }))
  default  = []
  nullable = false

  validation {
    condition = alltrue([
      for s in var.subscriptions : contains(["https", "sqs", "lambda"], s.protocol) && ((s.endpoint == null) != (s.endpoint_secret_name == null))
    ])
    error_message = "subscriptions: protocol must be https, sqs or lambda, with exactly one of endpoint and endpoint_secret_name."
  }
}

variable "runbook_base_url" {
  description = "Where the runbooks are read (the repository's docs/runbooks on its default branch, e.g. https://github.com/OWNER/REPO/blob/main/docs/runbooks); every alarm's description links its page there."
  type        = string

  validation {
    condition     = can(regex("^https://\\S+[^/]$", var.runbook_base_url))
    error_message = "runbook_base_url must be an https URL without a trailing slash."
  }
}

variable "load_balancer" {
  description = "The service's ALB (made by the AWS Load Balancer Controller from the Ingress): the ARN suffixes CloudWatch uses as dimensions (app/NAME/ID and targetgroup/NAME/ID). Null: no load-balancer alarms (e.g. before the Ingress exists)."
  type = object({
    arn_suffix              = string
    target_group_arn_suffix = string
  })
  default = null

  validation {
    condition = var.load_balancer == null ? true : (
      can(regex("^app/[A-Za-z0-9-]+/[0-9a-f]+$", var.load_balancer.arn_suffix)) &&
      can(regex("^targetgroup/[A-Za-z0-9-]+/[0-9a-f]+$", var.load_balancer.target_group_arn_suffix))
    )
    error_message = "load_balancer.arn_suffix must look like app/NAME/ID and target_group_arn_suffix like targetgroup/NAME/ID (the part of the ARN after loadbalancer/ or after the account)."
  }
}

variable "cluster_name" {
  description = "EKS cluster whose nodes Container Insights reports on (namespace ContainerInsights, dimension ClusterName)."
  type        = string

  validation {
    condition     = can(regex("^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must be an EKS cluster name (letters, digits, '-' and '_', at most 100)."
  }
}

variable "scoring_log_group_name" {
  description = "CloudWatch Logs group that receives the scoring CronJob's logs (with Container Insights: /aws/containerinsights/CLUSTER/application)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_/.#-]{1,512}$", var.scoring_log_group_name))
    error_message = "scoring_log_group_name must be a log group name (letters, digits, '_', '-', '/', '.', '#')."
  }
}

variable "scoring_failure_pattern" {
  description = "Metric filter pattern that matches one failure of the scoring job in its log group. The default reads Fluent Bit's JSON records: the `score` container printing `error: ...` (bento/batch.py) or a traceback."
  type        = string
  default     = "{ ($.kubernetes.container_name = \"score\") && (($.log = \"error:*\") || ($.log = \"Traceback*\")) }"

  validation {
    condition     = length(trimspace(var.scoring_failure_pattern)) > 0
    error_message = "scoring_failure_pattern must not be empty (it would count every log line as a failure)."
  }
}

variable "thresholds" {
  description = "Alarm thresholds (5xx share of requests and node CPU/memory in percent, p99 target latency in seconds, unhealthy targets and scoring failures as counts), how many periods of how many seconds must breach, and the requests a period below which the 5xx share is not judged."
  type = object({
    http_5xx_percent      = optional(number, 1)
    p99_latency_seconds   = optional(number, 0.5)
    unhealthy_targets     = optional(number, 0)
    node_cpu_percent      = optional(number, 80)
    node_memory_percent   = optional(number, 85)
    scoring_failures      = optional(number, 0)
    evaluation_periods    = optional(number, 3)
    period_seconds        = optional(number, 300)
    minimum_request_count = optional(number, 50)
  })
  default = {}

  validation {
    condition = (
      var.thresholds.http_5xx_percent > 0 && var.thresholds.http_5xx_percent <= 100 &&
      var.thresholds.p99_latency_seconds > 0 &&
      var.thresholds.unhealthy_targets >= 0 &&
      var.thresholds.node_cpu_percent > 0 && var.thresholds.node_cpu_percent <= 100 &&
      var.thresholds.node_memory_percent > 0 && var.thresholds.node_memory_percent <= 100 &&
      var.thresholds.scoring_failures >= 0 &&
      var.thresholds.evaluation_periods >= 1 &&
      contains([60, 300, 900, 3600], var.thresholds.period_seconds) &&
      var.thresholds.minimum_request_count >= 0
    )
    error_message = "thresholds: percentages in (0, 100], latency > 0 s, counts >= 0, evaluation_periods >= 1, period_seconds one of 60, 300, 900, 3600."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
