# --- Lambda: ANY /lambda/{proxy+} → the release's alias (AWS_PROXY, payload 1.0). The
# handler answers /lambda/predict, /lambda/predict_batch, /lambda/explain, /lambda/version and
# /lambda/healthz from the proxy path parameter, and 404 for anything else; the allow-list
# and AWS_IAM apply as on every other route.
resource "aws_api_gateway_resource" "lambda" {
  for_each = local.lambda

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_rest_api.this.root_resource_id
  path_part   = "lambda"
}

resource "aws_api_gateway_resource" "lambda_proxy" {
  for_each = local.lambda

  rest_api_id = aws_api_gateway_rest_api.this.id
  parent_id   = aws_api_gateway_resource.lambda[each.key].id
  path_part   = "{proxy+}"
}

resource "aws_api_gateway_method" "lambda" {
  for_each = local.lambda

  rest_api_id          = aws_api_gateway_rest_api.this.id
  resource_id          = aws_api_gateway_resource.lambda_proxy[each.key].id
  http_method          = "ANY"
  authorization        = "AWS_IAM"
  request_validator_id = aws_api_gateway_request_validator.this.id
}

resource "aws_api_gateway_integration" "lambda" {
  for_each = local.lambda

  rest_api_id             = aws_api_gateway_rest_api.this.id
  resource_id             = aws_api_gateway_resource.lambda_proxy[each.key].id
  http_method             = aws_api_gateway_method.lambda[each.key].http_method
  type                    = "AWS_PROXY"
  integration_http_method = "POST" # Lambda is always invoked with POST
  uri                     = each.value.invoke_arn
  timeout_milliseconds    = 29000
}

# API Gateway may invoke only the release's alias, and only from this API's /lambda routes.
resource "aws_lambda_permission" "api" {
  for_each = local.lambda

  statement_id  = "${var.name}-api-gateway"
  action        = "lambda:InvokeFunction"
  function_name = each.value.function_name
  qualifier     = each.value.alias
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_api_gateway_rest_api.this.execution_arn}/*/*/lambda/*"
}
