-- wrk: anonymous online filings (POST /api/v1/requests), each answered 201 with a query code.
wrk.method = "POST"
wrk.path = "/api/v1/requests"
wrk.headers["Content-Type"] = "application/json"
wrk.body = [[{"agency":"bj-cy","applicant":{"kind":"natural_person","name":"压测申请人","id_document_type":"resident_id","id_document":"110101199003074514","phone":"13800000000","email":"bench@example.cn"},"request":{"description":"2025年度老旧小区综合整治项目清单","carrier":"electronic","delivery":"email"}}]]

done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write("requests " .. summary.requests .. ", errors " .. errors .. ", ")
  io.write("p50 " .. latency:percentile(50) / 1000 .. " ms, p99 " .. latency:percentile(99) / 1000 .. " ms\n")
end
