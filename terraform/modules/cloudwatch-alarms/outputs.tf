output "sns_topic_arn" {
  description = "ARN of the SNS topic every alarm notifies (subscribe on-call tools here)."
  value       = aws_sns_topic.this.arn
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the topic (created here unless kms_key_arn was given)."
  value       = local.kms_key_arn
}

output "alarm_names" {
  description = "Names of the alarms keyed by what they watch (http_5xx_rate, p99_latency, unhealthy_targets only with a load_balancer)."
  value = merge(
    { for k, a in aws_cloudwatch_metric_alarm.http_5xx_rate : "http_5xx_rate" => a.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.p99_latency : "p99_latency" => a.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.unhealthy_targets : "unhealthy_targets" => a.alarm_name },
    { for k, a in aws_cloudwatch_metric_alarm.node : "node_${k}" => a.alarm_name },
    { scoring_job_failures = aws_cloudwatch_metric_alarm.scoring_failures.alarm_name },
  )
}

output "scoring_failure_metric" {
  description = "Namespace and name of the metric the scoring job's metric filter writes."
  value       = { namespace = local.scoring_namespace, name = local.scoring_metric }
}

output "dashboard_name" {
  description = "Name of the CloudWatch dashboard."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}
