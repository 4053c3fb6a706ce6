# Module logic and input validation with a mocked AWS provider (offline, no credentials).
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
}

variables {
  name        = "bikeshare-test"
  environment = "staging"
}

run "subnets_span_two_azs_with_nat_per_az" {
  command = plan

  assert {
    condition     = length(aws_subnet.public) == 2 && length(aws_subnet.private) == 2
    error_message = "Expected one public and one private subnet per availability zone."
  }
  assert {
    condition     = aws_subnet.public[0].cidr_block == "10.0.0.0/20" && aws_subnet.private[1].cidr_block == "10.0.144.0/20"
    error_message = "Subnet CIDRs are not carved from the VPC as documented."
  }
  assert {
    condition     = length(aws_nat_gateway.this) == 2
    error_message = "Expected one NAT gateway per availability zone by default."
  }
  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false])
    error_message = "Public subnets must not hand out public IPs implicitly."
  }
  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_cloudwatch_log_group.flow_logs.retention_in_days == 365
    error_message = "Flow logs must capture all traffic and keep it a year."
  }
  assert {
    condition = jsondecode(module.flow_logs_key.key_policy).Statement[1].Condition.ArnLike == {
      "kms:EncryptionContext:aws:logs:arn" = ["arn:aws:logs:us-east-1:123456789012:log-group:/aws/vpc/bikeshare-test/flow-logs"]
    }
    error_message = "The flow-log key must let CloudWatch Logs encrypt the flow-log group, and only that group."
  }
}

run "single_nat_gateway_serves_all_private_subnets" {
  command = plan

  variables {
    single_nat_gateway = true
    azs                = ["us-east-1a", "us-east-1b", "us-east-1c"]
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && length(aws_route.private_nat) == 3
    error_message = "single_nat_gateway must give one NAT gateway and a default route in every private route table."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    environment = "Dev"
    cidr        = "10.0.0.0/33"
    azs         = ["us-east-1a"]
  }

  expect_failures = [var.environment, var.cidr, var.azs]
}
