# The dashboard as code: the alarms' states on top, then one graph per alarmed metric.
locals {
  alarm_arns = concat(
    [for a in aws_cloudwatch_metric_alarm.http_5xx_rate : a.arn],
    [for a in aws_cloudwatch_metric_alarm.p99_latency : a.arn],
    [for a in aws_cloudwatch_metric_alarm.unhealthy_targets : a.arn],
    [for a in aws_cloudwatch_metric_alarm.node : a.arn],
    [aws_cloudwatch_metric_alarm.scoring_failures.arn],
  )

  graph = {
    type   = "metric"
    width  = 12
    height = 6
  }

  alb_widgets = flatten([for lb in values(local.alb) : [
    merge(local.graph, { properties = {
      title  = "Requests and 5xx"
      region = local.region
      stat   = "Sum"
      period = local.t.period_seconds
      metrics = [
        ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", lb.arn_suffix],
        [".", "HTTPCode_ELB_5XX_Count", ".", "."],
        [".", "HTTPCode_Target_5XX_Count", ".", "."],
      ]
    } }),
    merge(local.graph, { properties = {
      title  = "Target response time p99 (s)"
      region = local.region
      stat   = "p99"
      period = local.t.period_seconds
      metrics = [
        ["AWS/ApplicationELB", "TargetResponseTime", "LoadBalancer", lb.arn_suffix, "TargetGroup", lb.target_group_arn_suffix],
      ]
      annotations = { horizontal = [{ label = "alarm", value = local.t.p99_latency_seconds }] }
    } }),
    merge(local.graph, { properties = {
      title  = "Healthy and unhealthy targets"
      region = local.region
      stat   = "Maximum"
      period = 60
      metrics = [
        ["AWS/ApplicationELB", "HealthyHostCount", "LoadBalancer", lb.arn_suffix, "TargetGroup", lb.target_group_arn_suffix],
        [".", "UnHealthyHostCount", ".", ".", ".", "."],
      ]
    } }),
  ]])

  widgets = concat(
    [{
      type       = "alarm"
      width      = 24
      height     = 3
      properties = { title = "${var.name} alarms", alarms = local.alarm_arns }
    }],
    local.alb_widgets,
    [
      merge(local.graph, { properties = {
        title  = "Node CPU and memory (%)"
        region = local.region
        stat   = "Average"
        period = local.t.period_seconds
        metrics = [
          ["ContainerInsights", "node_cpu_utilization", "ClusterName", var.cluster_name],
          [".", "node_memory_utilization", ".", "."],
        ]
      } }),
      merge(local.graph, { properties = {
        title   = "Scoring job failures"
        region  = local.region
        stat    = "Sum"
        period  = 3600
        metrics = [[local.scoring_namespace, local.scoring_metric]]
      } }),
    ],
  )
}
