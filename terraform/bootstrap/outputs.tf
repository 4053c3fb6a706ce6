output "state_bucket" {
  description = "Name of the state bucket (TF_STATE_BUCKET for the other roots)."
  value       = module.state.bucket_name
}

output "state_bucket_arn" {
  description = "ARN of the state bucket."
  value       = module.state.bucket_arn
}

output "backend_config" {
  description = "Backend settings every root uses (plus its own key)."
  value       = module.state.backend_config
}
