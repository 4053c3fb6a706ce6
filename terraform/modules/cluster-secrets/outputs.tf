output "secret_arns" {
  description = "ARN of each secret, by key."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.arn }
}

output "secret_names" {
  description = "Name of each secret (<project>/<environment>/<key>), by key: what the ExternalSecrets' remoteRef.key names."
  value       = { for k, s in aws_secretsmanager_secret.this : k => s.name }
}

output "secret_prefix" {
  description = "The name prefix of this environment's secrets, the only ones the read policy allows."
  value       = local.prefix
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the secrets."
  value       = module.kms_key.key_arn
}

output "read_policy_arn" {
  description = "ARN of the policy that reads these secrets (attach to the External Secrets Operator's role)."
  value       = aws_iam_policy.read.arn
}
