# Alarms for one environment, all sent to one KMS-encrypted SNS topic, and a dashboard of
# the same metrics. Load balancer: AWS/ApplicationELB (the Ingress's ALB); nodes: Container
# Insights; the scoring CronJob: a metric filter on its log group.
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}
data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.name
  tags       = merge(var.tags, { Environment = var.environment })

  kms_key_arn = var.kms_key_arn == null ? aws_kms_key.this[0].arn : var.kms_key_arn
  t           = var.thresholds
  alb         = var.load_balancer == null ? {} : { this = var.load_balancer }

  scoring_namespace = "Bikeshare/${var.environment}"
  scoring_metric    = "ScoringJobFailures"

  alb_dimensions = var.load_balancer == null ? {} : { LoadBalancer = var.load_balancer.arn_suffix }
  tg_dimensions  = var.load_balancer == null ? {} : { LoadBalancer = var.load_balancer.arn_suffix, TargetGroup = var.load_balancer.target_group_arn_suffix }
  actions        = [aws_sns_topic.this.arn]

  # One runbook per alarm (docs/runbooks/<name>.md, linked from its description); a test
  # (tests/hygiene/test_runbooks.py) checks that every alarm names one that exists.
  runbooks = {
    http_5xx_rate        = "BikeshareAlb5xxRate"
    p99_latency          = "BikeshareAlbP99Latency"
    unhealthy_targets    = "BikeshareAlbUnhealthyTargets"
    node_cpu             = "BikeshareNodeCpu"
    node_memory          = "BikeshareNodeMemory"
    scoring_job_failures = "BikeshareScoringJobLogFailures"
  }
  runbook = { for alarm, page in local.runbooks : alarm => "Runbook: ${var.runbook_base_url}/${page}.md" }

  subscriptions = { for index, s in var.subscriptions : "${s.protocol}-${index}" => s }
}

# CloudWatch publishes to an encrypted topic only if the key lets the cloudwatch service
# use it; modules/kms-key has no such statement, so the key is made here.
resource "aws_kms_key" "this" {
  count = var.kms_key_arn == null ? 1 : 0

  description             = "${var.name} alarm notifications (SNS)"
  deletion_window_in_days = var.kms_deletion_window_in_days
  enable_key_rotation     = true
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      },
    ]
  })

  tags = local.tags
}

resource "aws_sns_topic" "this" {
  name              = "${var.name}-alarms"
  kms_master_key_id = local.kms_key_arn

  tags = local.tags
}

# Only this account's alarms may publish (CloudWatch calls as a service principal).
resource "aws_sns_topic_policy" "this" {
  arn = aws_sns_topic.this.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountManages"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
        Action    = ["sns:GetTopicAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:ListSubscriptionsByTopic", "sns:Publish"]
        Resource  = aws_sns_topic.this.arn
      },
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.this.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:${var.name}-*" }
        }
      },
    ]
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.email_subscriptions)

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

# Endpoints that carry a key (PagerDuty's CloudWatch integration URL) come from Secrets
# Manager, never from a tfvars file; the value stays in the encrypted state.
data "aws_secretsmanager_secret_version" "subscription" {
  for_each = { for key, s in local.subscriptions : key => s if s.endpoint_secret_name != null }

  secret_id = each.value.endpoint_secret_name
}

resource "aws_sns_topic_subscription" "this" {
  for_each = local.subscriptions

  topic_arn = aws_sns_topic.this.arn
  protocol  = each.value.protocol
  endpoint = (
    each.value.endpoint_secret_name == null ? each.value.endpoint
    : data.aws_secretsmanager_secret_version.subscription[each.key].secret_string
  )
  # PagerDuty and chat webhooks confirm HTTPS subscriptions by themselves.
  endpoint_auto_confirms = each.value.protocol == "https"
}

# 5xx share of requests (the ALB's own and the targets'), only once there is traffic:
# a single error among three requests is not an outage.
resource "aws_cloudwatch_metric_alarm" "http_5xx_rate" {
  for_each = local.alb

  alarm_name          = "${var.name}-alb-5xx-rate"
  alarm_description   = "More than ${local.t.http_5xx_percent}% of requests to the load balancer answered 5xx (over ${local.t.minimum_request_count} requests a period). ${local.runbook.http_5xx_rate}"
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.http_5xx_percent
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  metric_query {
    id          = "rate"
    expression  = "IF(requests >= ${local.t.minimum_request_count}, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)"
    label       = "5xx percent"
    return_data = true
  }

  dynamic "metric_query" {
    for_each = { requests = "RequestCount", elb5xx = "HTTPCode_ELB_5XX_Count", target5xx = "HTTPCode_Target_5XX_Count" }
    content {
      id = metric_query.key
      metric {
        namespace   = "AWS/ApplicationELB"
        metric_name = metric_query.value
        dimensions  = local.alb_dimensions
        period      = local.t.period_seconds
        stat        = "Sum"
      }
    }
  }

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "p99_latency" {
  for_each = local.alb

  alarm_name          = "${var.name}-target-p99-latency"
  alarm_description   = "p99 of the targets' response time is above ${local.t.p99_latency_seconds} s. ${local.runbook.p99_latency}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "TargetResponseTime"
  dimensions          = local.tg_dimensions
  extended_statistic  = "p99"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.p99_latency_seconds
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.evaluation_periods
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = local.tags
}

# Missing data here means the load balancer stopped reporting: treat it as breaching.
resource "aws_cloudwatch_metric_alarm" "unhealthy_targets" {
  for_each = local.alb

  alarm_name          = "${var.name}-unhealthy-targets"
  alarm_description   = "More than ${local.t.unhealthy_targets} of the service's targets fail the load balancer's health check (/readyz). ${local.runbook.unhealthy_targets}"
  namespace           = "AWS/ApplicationELB"
  metric_name         = "UnHealthyHostCount"
  dimensions          = local.tg_dimensions
  statistic           = "Maximum"
  period              = 60
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.unhealthy_targets
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.evaluation_periods
  treat_missing_data  = "breaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = local.tags
}

resource "aws_cloudwatch_metric_alarm" "node" {
  for_each = {
    cpu    = { metric = "node_cpu_utilization", threshold = local.t.node_cpu_percent }
    memory = { metric = "node_memory_utilization", threshold = local.t.node_memory_percent }
  }

  alarm_name          = "${var.name}-node-${each.key}"
  alarm_description   = "Average node ${each.key} utilisation of cluster ${var.cluster_name} is above ${each.value.threshold}% (Container Insights). ${local.runbook["node_${each.key}"]}"
  namespace           = "ContainerInsights"
  metric_name         = each.value.metric
  dimensions          = { ClusterName = var.cluster_name }
  statistic           = "Average"
  period              = local.t.period_seconds
  comparison_operator = "GreaterThanThreshold"
  threshold           = each.value.threshold
  evaluation_periods  = local.t.evaluation_periods
  datapoints_to_alarm = local.t.evaluation_periods
  treat_missing_data  = "missing"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = local.tags
}

# One data point per failure line; no lines means no failure, so missing data is fine.
resource "aws_cloudwatch_log_metric_filter" "scoring_failures" {
  name           = "${var.name}-scoring-failures"
  log_group_name = var.scoring_log_group_name
  pattern        = var.scoring_failure_pattern

  metric_transformation {
    name          = local.scoring_metric
    namespace     = local.scoring_namespace
    value         = "1"
    default_value = "0"
    unit          = "Count"
  }
}

resource "aws_cloudwatch_metric_alarm" "scoring_failures" {
  alarm_name          = "${var.name}-scoring-job-failures"
  alarm_description   = "The batch scoring job logged a failure (metric filter on ${var.scoring_log_group_name}). ${local.runbook.scoring_job_failures}"
  namespace           = local.scoring_namespace
  metric_name         = local.scoring_metric
  statistic           = "Sum"
  period              = 3600
  comparison_operator = "GreaterThanThreshold"
  threshold           = local.t.scoring_failures
  evaluation_periods  = 1
  treat_missing_data  = "notBreaching"
  alarm_actions       = local.actions
  ok_actions          = local.actions

  tags = local.tags

  depends_on = [aws_cloudwatch_log_metric_filter.scoring_failures]
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({ widgets = local.widgets })
}
