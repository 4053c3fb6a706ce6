# Alarms, topic, key and dashboard with a mocked AWS provider (offline, no credentials).
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
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-000000000000" }
  }
  mock_resource "aws_sns_topic" {
    defaults = { arn = "arn:aws:sns:us-east-1:123456789012:bikeshare-test-alarms" }
  }
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "https://events.pagerduty.com/integration/0123456789abcdef/enqueue" }
  }
  mock_resource "aws_cloudwatch_metric_alarm" {
    defaults = { arn = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:bikeshare-test-mock" }
  }
}

variables {
  name                   = "bikeshare-test"
  environment            = "staging"
  cluster_name           = "bikeshare-test"
  scoring_log_group_name = "/aws/containerinsights/bikeshare-test/application"
  runbook_base_url       = "https://github.com/acme-mlops/bikeshare-gitops/blob/main/docs/runbooks"
  load_balancer = {
    arn_suffix              = "app/k8s-bikeshare-0123456789/0123456789abcdef"
    target_group_arn_suffix = "targetgroup/k8s-bikeshar-bikeshar-0123456789/fedcba9876543210"
  }
}

run "every_alarm_notifies_the_encrypted_topic" {
  command = apply

  assert {
    condition     = aws_sns_topic.this.kms_master_key_id == aws_kms_key.this[0].arn && output.kms_key_arn == aws_kms_key.this[0].arn
    error_message = "Without kms_key_arn the topic must be encrypted with the key the module creates."
  }
  assert {
    condition     = aws_kms_key.this[0].enable_key_rotation
    error_message = "The topic's key must rotate."
  }
  assert {
    condition = jsondecode(aws_kms_key.this[0].policy).Statement[1] == {
      Sid       = "CloudWatchAlarmsPublish"
      Effect    = "Allow"
      Principal = { Service = "cloudwatch.amazonaws.com" }
      Action    = ["kms:GenerateDataKey*", "kms:Decrypt"]
      Resource  = "*"
      Condition = { StringEquals = { "aws:SourceAccount" = "123456789012" } }
    }
    error_message = "The key must let CloudWatch (of this account only) encrypt messages for the topic."
  }
  assert {
    condition     = length(output.alarm_names) == 6
    error_message = "With a load balancer there are six alarms: 5xx rate, p99, unhealthy targets, node CPU, node memory, scoring failures."
  }
  assert {
    condition = alltrue(flatten([
      [for a in aws_cloudwatch_metric_alarm.http_5xx_rate : a.alarm_actions == toset([aws_sns_topic.this.arn])],
      [for a in aws_cloudwatch_metric_alarm.p99_latency : a.alarm_actions == toset([aws_sns_topic.this.arn])],
      [for a in aws_cloudwatch_metric_alarm.unhealthy_targets : a.alarm_actions == toset([aws_sns_topic.this.arn])],
      [for a in aws_cloudwatch_metric_alarm.node : a.alarm_actions == toset([aws_sns_topic.this.arn])],
      [aws_cloudwatch_metric_alarm.scoring_failures.alarm_actions == toset([aws_sns_topic.this.arn])],
    ]))
    error_message = "Every alarm must notify the module's topic."
  }
  assert {
    condition = jsondecode(aws_sns_topic_policy.this.policy).Statement[1].Condition.ArnLike == {
      "aws:SourceArn" = "arn:aws:cloudwatch:us-east-1:123456789012:alarm:bikeshare-test-*"
    }
    error_message = "Only this module's alarms may publish to the topic."
  }
}

run "load_balancer_alarms_use_the_alb_dimensions" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.p99_latency["this"].extended_statistic == "p99" && aws_cloudwatch_metric_alarm.p99_latency["this"].dimensions.TargetGroup == var.load_balancer.target_group_arn_suffix
    error_message = "Latency must alarm on the p99 of TargetResponseTime per target group."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.unhealthy_targets["this"].metric_name == "UnHealthyHostCount" && aws_cloudwatch_metric_alarm.unhealthy_targets["this"].treat_missing_data == "breaching"
    error_message = "Unhealthy targets alarm on UnHealthyHostCount, and silence counts as unhealthy."
  }
  assert {
    condition = one([
      for q in aws_cloudwatch_metric_alarm.http_5xx_rate["this"].metric_query : [q.expression, q.return_data] if q.id == "rate"
    ]) == ["IF(requests >= 50, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)", true]
    error_message = "The 5xx alarm must compute the percentage of requests, only over the minimum request count."
  }
  assert {
    condition = toset([
      for q in aws_cloudwatch_metric_alarm.http_5xx_rate["this"].metric_query : q.metric[0].dimensions.LoadBalancer if length(q.metric) > 0
    ]) == toset(["app/k8s-bikeshare-0123456789/0123456789abcdef"])
    error_message = "Every 5xx-rate input metric must be the load balancer's, by its ARN suffix."
  }
}

run "nodes_and_scoring_job_are_watched" {
  command = plan

  variables {
    thresholds = { node_cpu_percent = 70 }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.node["cpu"].namespace == "ContainerInsights" && aws_cloudwatch_metric_alarm.node["cpu"].threshold == 70 && aws_cloudwatch_metric_alarm.node["memory"].threshold == 85
    error_message = "Node alarms read Container Insights and take thresholds (defaults fill what is not given)."
  }
  assert {
    condition     = aws_cloudwatch_metric_alarm.node["memory"].dimensions == tomap({ ClusterName = "bikeshare-test" })
    error_message = "Node alarms are per cluster."
  }
  assert {
    condition     = aws_cloudwatch_log_metric_filter.scoring_failures.log_group_name == var.scoring_log_group_name && aws_cloudwatch_log_metric_filter.scoring_failures.metric_transformation[0].name == aws_cloudwatch_metric_alarm.scoring_failures.metric_name
    error_message = "The scoring alarm must read the metric its filter writes on the scoring log group."
  }
  assert {
    condition     = strcontains(aws_cloudwatch_log_metric_filter.scoring_failures.pattern, "$.kubernetes.container_name = \"score\"")
    error_message = "The default pattern must only count the scoring container's lines."
  }
}

run "dashboard_graphs_every_alarmed_metric" {
  command = apply

  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets) == 6
    error_message = "Dashboard: alarm states + requests/5xx, p99, targets, nodes, scoring failures."
  }
  assert {
    condition     = length(jsondecode(aws_cloudwatch_dashboard.this.dashboard_body).widgets[0].properties.alarms) == 6
    error_message = "The alarm widget must list all six alarms."
  }
}

run "without_load_balancer_or_key_given" {
  command = plan

  variables {
    load_balancer       = null
    kms_key_arn         = "arn:aws:kms:us-east-1:123456789012:key/11111111-1111-1111-1111-111111111111"
    email_subscriptions = ["oncall@example.org"]
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.http_5xx_rate) + length(aws_cloudwatch_metric_alarm.p99_latency) + length(aws_cloudwatch_metric_alarm.unhealthy_targets) == 0
    error_message = "No load-balancer alarms without a load balancer."
  }
  assert {
    condition     = length(aws_kms_key.this) == 0 && aws_sns_topic.this.kms_master_key_id == var.kms_key_arn
    error_message = "A given key is used, none created."
  }
  assert {
    condition     = aws_sns_topic_subscription.email["oncall@example.org"].protocol == "email"
    error_message = "E-mail subscriptions are created for the topic."
  }
}

# Each invalid input fails its own validation (terraform test checks every listed one failed).
run "rejects_bad_inputs" {
  command = plan

  variables {
    name                    = "Bikeshare_Test"
    environment             = "qa"
    kms_key_arn             = "alias/aws/sns"
    email_subscriptions     = ["not-an-address"]
    cluster_name            = "-bad"
    scoring_log_group_name  = "group with spaces"
    scoring_failure_pattern = " "
    load_balancer = {
      arn_suffix              = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/x/1"
      target_group_arn_suffix = "tg"
    }
    thresholds = { period_seconds = 7 }
  }

  expect_failures = [
    var.name, var.environment, var.kms_key_arn, var.email_subscriptions, var.cluster_name,
    var.scoring_log_group_name, var.scoring_failure_pattern, var.load_balancer, var.thresholds,
  ]
}

run "every_alarm_links_its_runbook_and_secret_endpoints_subscribe" {
  command = apply

  variables {
    email_subscriptions = ["oncall@example.com"]
    subscriptions = [
      { protocol = "https", endpoint_secret_name = "bikeshare/alarms/pagerduty-endpoint" },
      { protocol = "sqs", endpoint = "arn:aws:sqs:us-east-1:123456789012:bikeshare-alarms" },
    ]
  }

  assert {
    condition = alltrue([
      for d in concat(
        values(aws_cloudwatch_metric_alarm.http_5xx_rate)[*].alarm_description,
        values(aws_cloudwatch_metric_alarm.p99_latency)[*].alarm_description,
        values(aws_cloudwatch_metric_alarm.unhealthy_targets)[*].alarm_description,
        values(aws_cloudwatch_metric_alarm.node)[*].alarm_description,
        [aws_cloudwatch_metric_alarm.scoring_failures.alarm_description],
      ) : can(regex("Runbook: https://github.com/acme-mlops/bikeshare-gitops/blob/main/docs/runbooks/Bikeshare[A-Za-z0-9]+[.]md$", d))
    ])
    error_message = "Every alarm's description must end with its runbook's URL."
  }
  assert {
    condition     = aws_sns_topic_subscription.this["https-0"].endpoint == "https://events.pagerduty.com/integration/0123456789abcdef/enqueue" && aws_sns_topic_subscription.this["https-0"].endpoint_auto_confirms
    error_message = "An https subscriber named as a secret must subscribe the secret's URL and expect it to confirm by itself."
  }
  assert {
    condition     = aws_sns_topic_subscription.this["sqs-1"].endpoint == "arn:aws:sqs:us-east-1:123456789012:bikeshare-alarms" && length(aws_sns_topic_subscription.email) == 1
    error_message = "Endpoints given directly and e-mail addresses subscribe as given."
  }
}

run "a_subscription_needs_exactly_one_endpoint" {
  command = plan

  variables {
    subscriptions = [{ protocol = "https" }]
  }

  expect_failures = [var.subscriptions]
}
