output "key_arn" {
  description = "ARN of the key."
  value       = aws_kms_key.this.arn
}

output "key_id" {
  description = "ID of the key."
  value       = aws_kms_key.this.key_id
}

output "key_policy" {
  description = "The key policy (JSON)."
  value       = aws_kms_key.this.policy
}

output "alias_name" {
  description = "Full alias name (alias/...), or null when alias_name is null."
  value       = one(aws_kms_alias.this[*].name)
}
