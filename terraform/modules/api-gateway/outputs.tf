output "rest_api_id" {
  description = "ID of the REST API."
  value       = aws_api_gateway_rest_api.this.id
}

output "execution_arn" {
  description = "Execution ARN of the API (grant callers execute-api:Invoke on EXECUTION_ARN/STAGE/METHOD/PATH)."
  value       = aws_api_gateway_rest_api.this.execution_arn
}

output "invoke_url" {
  description = "Base URL of the stage (https://ID.execute-api.REGION.amazonaws.com/STAGE)."
  value       = aws_api_gateway_stage.this.invoke_url
}

output "stage_arn" {
  description = "ARN of the stage (the WAF web ACL is associated with it)."
  value       = aws_api_gateway_stage.this.arn
}

output "routes" {
  description = "Routes the API serves, as METHOD /path."
  value = concat(
    [for path, method in local.eks_routes : "${method} /${path}"],
    [for k, _ in local.sagemaker : "POST /sagemaker/predict"],
    [for k, _ in local.lambda : "ANY /lambda/{proxy+}"],
  )
}

output "vpc_link_id" {
  description = "ID of the VPC link to the internal NLB, or null without eks_backend."
  value       = one(aws_api_gateway_vpc_link.this[*].id)
}

output "web_acl_arn" {
  description = "ARN of the WAF web ACL on the stage."
  value       = aws_wafv2_web_acl.this.arn
}

output "access_log_group_name" {
  description = "CloudWatch Logs group of the JSON access logs."
  value       = aws_cloudwatch_log_group.access.name
}

output "kms_key_arn" {
  description = "ARN of the KMS key that encrypts the API's log groups."
  value       = module.logs_key.key_arn
}
