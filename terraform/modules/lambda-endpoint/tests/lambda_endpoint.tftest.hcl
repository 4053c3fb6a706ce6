# Function, alias, concurrency, execution role, log group and alarms with a mocked AWS
# provider (offline, no credentials). The registry lookup is a data source the mock cannot
# fail: a digest the registry does not have is refused on moto (tests/terraform).
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111111111111" }
  }
  mock_data "aws_region" {
    defaults = { name = "us-east-1" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::111111111111:role/bikeshare-staging-lambda" }
  }
  mock_resource "aws_cloudwatch_log_group" {
    defaults = { arn = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/bikeshare-staging" }
  }
  mock_resource "aws_lambda_function" {
    defaults = {
      arn     = "arn:aws:lambda:us-east-1:111111111111:function:bikeshare-staging"
      version = "7"
    }
  }
  mock_resource "aws_lambda_alias" {
    defaults = {
      arn        = "arn:aws:lambda:us-east-1:111111111111:function:bikeshare-staging:release-0123456789ab"
      invoke_arn = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111111111111:function:bikeshare-staging:release-0123456789ab/invocations"
    }
  }
  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = { arn = "arn:aws:cloudwatch:us-east-1:111111111111:alarm:bikeshare-staging-lambda" }
  }
}

variables {
  name                    = "bikeshare-staging"
  environment             = "staging"
  image                   = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  model_version           = "v-3f9a1c2"
  ecr_repository_arn      = "arn:aws:ecr:us-east-1:111111111111:repository/bikeshare"
  check_image_in_registry = false
  reserved_concurrency    = 20
  alarm_topic_arn         = "arn:aws:sns:us-east-1:111111111111:bikeshare-staging-alarms"
}

run "function_runs_the_digest_through_the_lambda_entry_point" {
  command = apply

  assert {
    condition     = aws_lambda_function.this.image_uri == var.image && aws_lambda_function.this.package_type == "Image"
    error_message = "The function must run exactly the pinned image."
  }
  assert {
    condition     = join(" ", aws_lambda_function.this.image_config[0].entry_point) == "python -m awslambdaric" && join(" ", aws_lambda_function.this.image_config[0].command) == "bento.lambda_handler.handler" && aws_lambda_function.this.image_config[0].working_directory == "/home/bentoml/bento/src"
    error_message = "Lambda starts the runtime interface client on bento/lambda_handler.py in the bento's source folder."
  }
  assert {
    condition     = aws_lambda_function.this.publish && aws_lambda_alias.this.name == "release-0123456789ab" && aws_lambda_alias.this.function_version == "7"
    error_message = "Each release publishes a version and an alias named after its digest, pointing at that version."
  }
  assert {
    condition     = output.alias_invoke_arn == aws_lambda_alias.this.invoke_arn && aws_lambda_function.this.tags.ModelVersion == "v-3f9a1c2"
    error_message = "API Gateway invokes the alias; the model version is on the function."
  }
}

run "concurrency_is_reserved_and_provisioned_on_the_alias" {
  command = apply

  variables {
    provisioned_concurrency = 2
  }

  assert {
    condition     = aws_lambda_function.this.reserved_concurrent_executions == 20
    error_message = "The reserved concurrency is the function's ceiling."
  }
  assert {
    condition     = aws_lambda_provisioned_concurrency_config.this[0].qualifier == "release-0123456789ab" && aws_lambda_provisioned_concurrency_config.this[0].provisioned_concurrent_executions == 2
    error_message = "Provisioned concurrency is kept warm on the release's alias."
  }
}

run "no_provisioned_concurrency_by_default" {
  command = plan

  assert {
    condition     = length(aws_lambda_provisioned_concurrency_config.this) == 0
    error_message = "Scale to zero unless an environment asks for warm environments."
  }
}

run "execution_role_is_least_privilege" {
  command = apply

  assert {
    condition = { for s in jsondecode(aws_iam_role_policy.this.policy).Statement : s.Sid => s.Resource } == {
      WriteLogs          = "arn:aws:logs:us-east-1:111111111111:log-group:/aws/lambda/bikeshare-staging:*"
      Traces             = "*"
      DecryptEnvironment = "arn:aws:kms:us-east-1:111111111111:key/00000000-0000-0000-0000-000000000000"
    }
    error_message = "Each permission must be confined to its one log group or key (X-Ray has no resource-level permissions)."
  }
  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.this.policy).Statement : alltrue([for a in flatten([s.Action]) : !strcontains(a, "*")])])
    error_message = "No wildcard actions."
  }
  assert {
    condition     = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Principal == { Service = "lambda.amazonaws.com" } && jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition.StringEquals["aws:SourceAccount"] == "111111111111"
    error_message = "Only Lambda, in this account, assumes the execution role."
  }
  assert {
    condition     = aws_cloudwatch_log_group.this.kms_key_id == module.key.key_arn && aws_cloudwatch_log_group.this.retention_in_days == 365 && aws_lambda_function.this.logging_config[0].log_group == "/aws/lambda/bikeshare-staging"
    error_message = "The function logs to its own KMS-encrypted group, kept a year."
  }
  assert {
    condition     = aws_lambda_function.this.kms_key_arn == module.key.key_arn && aws_lambda_function.this.tracing_config[0].mode == "Active"
    error_message = "The environment is encrypted with the module's key, and traced."
  }
}

run "alarms_watch_the_alias_and_link_their_runbooks" {
  command = apply

  assert {
    condition = alltrue([for a in [aws_cloudwatch_metric_alarm.errors, aws_cloudwatch_metric_alarm.throttles, aws_cloudwatch_metric_alarm.p99_duration] :
      a.namespace == "AWS/Lambda" && a.dimensions.Resource == "bikeshare-staging:release-0123456789ab" && a.alarm_actions == toset([var.alarm_topic_arn])
    ])
    error_message = "Every alarm watches the release's alias and notifies the topic."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.p99_duration.extended_statistic == "p99" && aws_cloudwatch_metric_alarm.p99_duration.threshold == 1000
    error_message = "The duration alarm is on p99."
  }
  assert {
    condition = alltrue([for kind, a in { errors = aws_cloudwatch_metric_alarm.errors, throttles = aws_cloudwatch_metric_alarm.throttles, "p99-duration" = aws_cloudwatch_metric_alarm.p99_duration } :
      endswith(a.alarm_description, "/docs/runbooks/lambda-${kind}.md") && fileexists("../../../docs/runbooks/lambda-${kind}.md")
    ])
    error_message = "Each alarm links its runbook page, and the page exists in docs/runbooks/."
  }
}

# The composition reads the image from the environment's release file in git; the same
# expression over the committed files must give an image this module accepts.
run "release_files_give_an_accepted_image" {
  command = plan

  variables {
    image = one([
      for i in yamldecode(file("../../../argocd/bikeshare/overlays/prod/release/kustomization.yaml")).images :
      "${i.newName}@${i.digest}" if i.name == "bikeshare"
    ])
  }

  assert {
    condition     = startswith(aws_lambda_function.this.image_uri, "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare@sha256:")
    error_message = "The prod release file must yield its ECR image by digest."
  }
}

run "image_from_another_repository_is_refused" {
  command = plan

  variables {
    image = "111111111111.dkr.ecr.us-east-1.amazonaws.com/other@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  expect_failures = [aws_lambda_function.this]
}

run "rejects_image_by_tag" {
  command = plan

  variables {
    image = "111111111111.dkr.ecr.us-east-1.amazonaws.com/bikeshare:v1"
  }

  expect_failures = [var.image]
}

run "rejects_provisioned_over_reserved" {
  command = plan

  variables {
    reserved_concurrency    = 5
    provisioned_concurrency = 6
  }

  expect_failures = [var.provisioned_concurrency]
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    name                        = "Bikeshare"
    environment                 = "dev"
    image                       = "registry.example.com/bikeshare@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    model_version               = "has spaces"
    ecr_repository_arn          = "arn:aws:s3:::bikeshare"
    memory_mb                   = 128
    timeout_seconds             = 60
    reserved_concurrency        = 0
    alarm_topic_arn             = "topic"
    alarms                      = { period_seconds = 45 }
    runbook_base_url            = "http://example.com/"
    log_retention_days          = 10
    kms_deletion_window_in_days = 3
  }

  expect_failures = [
    var.name, var.environment, var.image, var.model_version, var.ecr_repository_arn, var.memory_mb,
    var.timeout_seconds, var.reserved_concurrency, var.alarm_topic_arn, var.alarms, var.runbook_base_url,
    var.log_retention_days, var.kms_deletion_window_in_days,
  ]
}
