output "function_name" {
  description = "Name of the Lambda function."
  value       = aws_lambda_function.this.function_name
}

output "function_arn" {
  description = "ARN of the Lambda function (unqualified)."
  value       = aws_lambda_function.this.arn
}

output "version" {
  description = "Version published for this release."
  value       = aws_lambda_function.this.version
}

output "alias_name" {
  description = "Alias of this release (release-<first 12 hex digits of the digest>): what API Gateway invokes."
  value       = aws_lambda_alias.this.name
}

output "alias_arn" {
  description = "ARN of the release's alias."
  value       = aws_lambda_alias.this.arn
}

output "alias_invoke_arn" {
  description = "Invoke ARN of the release's alias, for an API Gateway AWS_PROXY integration."
  value       = aws_lambda_alias.this.invoke_arn
}

output "execution_role_arn" {
  description = "ARN of the execution role (writes its log group and traces, decrypts its environment)."
  value       = aws_iam_role.this.arn
}

output "log_group_name" {
  description = "CloudWatch Logs group of the function."
  value       = aws_cloudwatch_log_group.this.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key of the log group and the environment variables."
  value       = module.key.key_arn
}

output "alarm_names" {
  description = "Alarm names by kind: errors, throttles, p99_duration."
  value = {
    errors       = aws_cloudwatch_metric_alarm.errors.alarm_name
    throttles    = aws_cloudwatch_metric_alarm.throttles.alarm_name
    p99_duration = aws_cloudwatch_metric_alarm.p99_duration.alarm_name
  }
}
