output "tracking_server_arn" {
  description = "ARN of the tracking server: the MLFLOW_TRACKING_URI of clients using the sagemaker-mlflow plugin."
  value       = aws_sagemaker_mlflow_tracking_server.this.arn
}

output "tracking_server_url" {
  description = "URL of the tracking server's UI and API (IAM-authenticated)."
  value       = aws_sagemaker_mlflow_tracking_server.this.tracking_server_url
}

output "client_policy_arn" {
  description = "Managed policy to attach to a client role (release, retrain, workload)."
  value       = aws_iam_policy.client.arn
}

output "server_role_arn" {
  description = "Role the tracking server runs as (artifacts under the prefix only)."
  value       = aws_iam_role.server.arn
}

output "artifacts_uri" {
  description = "Where the server stores artifacts."
  value       = local.artifacts_uri
}
