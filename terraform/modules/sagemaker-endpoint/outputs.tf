output "endpoint_name" {
  description = "Name of the SageMaker endpoint (the API gateway's SageMaker integration invokes it)."
  value       = aws_sagemaker_endpoint.this.name
}

output "endpoint_arn" {
  description = "ARN of the SageMaker endpoint (grant sagemaker:InvokeEndpoint on it)."
  value       = aws_sagemaker_endpoint.this.arn
}

output "endpoint_config_name" {
  description = "Name of the endpoint configuration in use (changes with each release)."
  value       = aws_sagemaker_endpoint_configuration.this.name
}

output "model_name" {
  description = "Name of the SageMaker model: the endpoint name and the first 12 hex digits of the image digest."
  value       = aws_sagemaker_model.this.name
}

output "execution_role_arn" {
  description = "ARN of the execution role SageMaker assumes to pull the image and write data capture and logs."
  value       = aws_iam_role.this.arn
}

output "data_capture_s3_uri" {
  description = "Where captured requests and responses land (s3://BUCKET/PREFIX)."
  value       = local.data_capture_uri
}

output "log_group_name" {
  description = "CloudWatch Logs group of the endpoint's containers."
  value       = aws_cloudwatch_log_group.this.name
}

output "autoscaling_resource_id" {
  description = "Application Auto Scaling resource ID of the production variant (endpoint/NAME/variant/primary)."
  value       = aws_appautoscaling_target.this.resource_id
}
