//! The online filing's checks (issue 18, point 3): the identity document by its type, the
//! delivery's contact detail, at least one contact; the API answers 422 naming the field with
//! a stable code, and the form shows the same error beside the same field, keeping every
//! choice.

use super::*;

/// `filing()` with `applicant` fields replaced (null removes one) and `delivery` set.
fn filing_with(applicant: Value, delivery: &str) -> Value {
    let mut f = filing();
    for (k, v) in applicant.as_object().unwrap() {
        if v.is_null() {
            f["applicant"].as_object_mut().unwrap().remove(k);
        } else {
            f["applicant"][k] = v.clone();
        }
    }
    f["request"]["delivery"] = json!(delivery);
    f
}

fn paths(r: &Reply) -> Vec<String> {
    r.body["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("no errors: {}", r.body))
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn each_bad_filing_is_a_422_naming_its_field_with_a_stable_code() {
    for db in databases("api-filing-checks") {
        let s = TestApp::start(db);
        let o = s.office();
        let cases: Vec<(Value, &str, &str, &[&str])> = vec![
            // No identity document at all.
            (
                json!({"id_document_type": null, "id_document": null}),
                "email",
                "id_document_required",
                &["applicant.id_document_type", "applicant.id_document"],
            ),
            // A 14-digit 身份证号码.
            (
                json!({"id_document": "11010519900307"}),
                "email",
                "id_document_invalid",
                &["applicant.id_document"],
            ),
            // 18 digits with a wrong check digit (4 is right).
            (
                json!({"id_document": "110101199003074515"}),
                "email",
                "id_document_invalid",
                &["applicant.id_document"],
            ),
            // A credit code with a wrong check character (3 is right).
            (
                json!({"kind": "commercial", "id_document_type": "credit_code",
                       "id_document": "91350100M000100Y44"}),
                "email",
                "id_document_invalid",
                &["applicant.id_document"],
            ),
            // A credit code for a natural person.
            (
                json!({"id_document_type": "credit_code", "id_document": "91350100M000100Y43"}),
                "email",
                "id_document_invalid",
                &["applicant.id_document_type"],
            ),
            // A passport of 4 characters.
            (
                json!({"id_document_type": "passport", "id_document": "E123"}),
                "email",
                "id_document_invalid",
                &["applicant.id_document"],
            ),
            // 电子邮件 without an e-mail address.
            (
                json!({"email": null}),
                "email",
                "delivery_contact_required",
                &["applicant.email"],
            ),
            // 邮寄 without a postal address.
            (
                json!({}),
                "post",
                "delivery_contact_required",
                &["applicant.address"],
            ),
            // No contact at all: named at the contact fields (the phone), not the applicant.
            (
                json!({"phone": null, "email": null, "address": null}),
                "online",
                "invalid_input",
                &["applicant.phone"],
            ),
        ];
        for (applicant, delivery, code, fields) in cases {
            let body = filing_with(applicant.clone(), delivery);
            let r = s.post("/api/v1/requests", None, body);
            assert_eq!(
                (r.status, r.body["code"].as_str()),
                (422, Some(code)),
                "{}: {applicant} {}",
                s.db.name,
                r.body
            );
            assert_eq!(paths(&r), fields, "{applicant}: {}", r.body);
        }
        let queue = s.get("/api/v1/cases", Some(&o.clerk));
        assert_eq!(queue.body["items"].as_array().unwrap().len(), 0);

        // The standards' own examples pass; a lower-case x is stored upper-case.
        let r = s.post(
            "/api/v1/requests",
            None,
            filing_with(json!({"id_document": "11010519491231002x"}), "email"),
        );
        assert_eq!(r.status, 201, "{}", r.body);
        let r = s.post(
            "/api/v1/requests",
            None,
            filing_with(
                json!({"kind": "commercial", "name": "某公司", "id_document_type": "credit_code",
                       "id_document": "91350100M000100Y43", "address": "福州市某路1号"}),
                "post",
            ),
        );
        assert_eq!(r.status, 201, "{}", r.body);
    }
}

#[test]
fn the_form_shows_each_error_beside_its_field_and_keeps_every_choice() {
    for db in databases("api-filing-form") {
        let s = TestApp::start(db);
        let o = s.office();
        let get = s.exec(Req::new("GET", "/apply").header("Accept", "text/html"));
        let cookie = get
            .headers
            .iter()
            .find(|(k, v)| k == "set-cookie" && v.starts_with("gongkai_form="))
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .unwrap();
        assert!(
            get.text.contains("id=\"f-applicant.id_document_type\""),
            "{}",
            get.text
        );
        assert!(get.text.contains("联系方式（至少填写一种）"));
        let token = get
            .text
            .split("name=\"csrf\" value=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap()
            .to_owned();
        // As a browser posts the form: every field, the empty ones too, the last value of a
        // name winning.
        let post = |pairs: &[(&str, &str)]| {
            let mut all = vec![("csrf", token.as_str())];
            for name in [
                "applicant.id_document",
                "applicant.phone",
                "applicant.email",
                "applicant.address",
                "request.document_number",
            ] {
                if !pairs.iter().any(|(k, _)| *k == name) {
                    all.push((name, ""));
                }
            }
            all.extend_from_slice(pairs);
            s.exec(
                Req::new("POST", "/apply")
                    .header("Cookie", &cookie)
                    .form(&all),
            )
        };
        // The row of the field `name`, from its opening tag to the next row.
        let row = |html: &str, name: &str| -> String {
            let at = html
                .find(&format!("id=\"f-{name}\""))
                .unwrap_or_else(|| panic!("no field {name}"));
            let start = html[..at].rfind("<div class=\"row").unwrap();
            let end = html[at..]
                .find("<div class=\"row")
                .map_or(html.len(), |e| at + e);
            html[start..end].to_owned()
        };
        let base = [
            ("agency", "gk"),
            ("applicant.kind", "legal_service"),
            ("applicant.name", "某律师事务所"),
            ("request.description", "本区2025年道路改造计划"),
            ("request.carrier", "disc"),
        ];
        // A 14-digit 身份证号码 for a law firm, 邮寄 without an address.
        let mut pairs = base.to_vec();
        pairs.extend([
            ("applicant.id_document_type", "resident_id"),
            ("applicant.id_document", "11010519900307"),
            ("applicant.phone", "13812345678"),
            ("request.delivery", "post"),
        ]);
        let r = post(&pairs);
        assert_eq!(r.status, 422, "{}", r.text);
        let html = r.text;
        let id_type = row(&html, "applicant.id_document_type");
        assert!(
            id_type.contains("invalid") && id_type.contains("统一社会信用代码"),
            "{id_type}"
        );
        let address = row(&html, "applicant.address");
        assert!(
            address.contains("invalid") && address.contains("获取方式为邮寄的，请填写通信地址"),
            "{address}"
        );
        // Every choice kept: the selects and the texts.
        assert!(
            html.contains("<option value=\"legal_service\" selected>"),
            "{html}"
        );
        assert!(html.contains("<option value=\"resident_id\" selected>"));
        assert!(html.contains("<option value=\"disc\" selected>"));
        assert!(html.contains("<option value=\"post\" selected>"));
        assert!(html.contains("value=\"11010519900307\""));
        assert!(html.contains("value=\"13812345678\""));

        // The right document type, a wrong check digit, and no contact at all.
        let mut pairs = base.to_vec();
        pairs.extend([
            ("applicant.id_document_type", "credit_code"),
            ("applicant.id_document", "91350100M000100Y44"),
            ("request.delivery", "online"),
        ]);
        let r = post(&pairs);
        assert_eq!(r.status, 422, "{}", r.text);
        let phone = row(&r.text, "applicant.phone");
        assert!(phone.contains("请至少填写一种联系方式"), "{phone}");
        // Fixed, the contact added: the check-digit error is shown beside the number.
        pairs.push(("applicant.phone", "13812345678"));
        let r = post(&pairs);
        assert_eq!(r.status, 422, "{}", r.text);
        let number = row(&r.text, "applicant.id_document");
        assert!(number.contains("校验位不正确"), "{number}");
        assert!(r.text.contains("value=\"91350100M000100Y44\""));
        let mut pairs = base.to_vec();
        pairs.extend([
            ("applicant.id_document_type", "credit_code"),
            ("applicant.id_document", "91350100M000100Y43"),
            ("applicant.phone", "13812345678"),
            ("request.delivery", "online"),
        ]);
        let r = post(&pairs);
        assert_eq!(r.status, 303, "{}", r.text);
        let queue = s.get("/api/v1/cases", Some(&o.clerk));
        assert_eq!(queue.body["items"].as_array().unwrap().len(), 1);
    }
}

/// Point 4: the receipt gives a 10-character reference (no 0/O, 1/I/L) instead of the case's
/// UUID, says its warning once, and the lookup takes the reference (however typed), the
/// tracking number once registered, and still the UUID.
#[test]
fn the_receipt_gives_a_short_reference_that_the_lookup_takes() {
    for db in databases("api-filing-reference") {
        let s = TestApp::start(db);
        let o = s.office();
        let r = s.post("/api/v1/requests", None, filing());
        assert_eq!(r.status, 201, "{}", r.body);
        let reference = r.body["reference"].as_str().unwrap().to_owned();
        let case = r.body["case_id"].as_str().unwrap().to_owned();
        let code = r.body["query_code"].as_str().unwrap().to_owned();
        assert_eq!(reference.len(), 10, "{reference}");
        assert!(
            reference
                .chars()
                .all(|c| c.is_ascii_alphanumeric() && !"0O1IL".contains(c)),
            "{reference}"
        );
        let notice = r.body["notice"].as_str().unwrap();
        assert_eq!(notice.matches("只显示这一次").count(), 1, "{notice}");
        let look = |reference: &str| {
            s.post(
                "/api/v1/lookup",
                None,
                json!({"reference": reference, "query_code": code}),
            )
        };
        let typed = format!(
            "{} {}",
            reference[..5].to_lowercase(),
            reference[5..].to_lowercase()
        );
        for key in [reference.as_str(), typed.as_str(), case.as_str()] {
            let r = look(key);
            assert_eq!(r.status, 200, "{key}: {}", r.body);
            assert_eq!(r.body["filing_reference"], reference.as_str(), "{}", r.body);
        }
        let wrong = s.post(
            "/api/v1/lookup",
            None,
            json!({"reference": reference, "query_code": "WRONGCODE234"}),
        );
        assert_eq!(wrong.status, 404);
        // Registered: the tracking number works too, and so does the reference.
        step(&s, &o.clerk, &case, "register", 1, json!({}));
        let tracking = s.get(&format!("/api/v1/cases/{case}"), Some(&o.clerk)).body["summary"]
            ["tracking_number"]
            .as_str()
            .unwrap()
            .to_owned();
        assert_eq!(look(&tracking).status, 200);
        assert_eq!(look(&reference).status, 200);

        // The receipt page: the reference, not the UUID; the warning once.
        let get = s.exec(Req::new("GET", "/apply").header("Accept", "text/html"));
        let cookie = get
            .headers
            .iter()
            .find(|(k, v)| k == "set-cookie" && v.starts_with("gongkai_form="))
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .unwrap();
        let token = get.text.split("name=\"csrf\" value=\"").nth(1).unwrap();
        let token = token.split('"').next().unwrap().to_owned();
        let posted = s.exec(Req::new("POST", "/apply").header("Cookie", &cookie).form(&[
            ("csrf", token.as_str()),
            ("agency", "gk"),
            ("applicant.kind", "natural_person"),
            ("applicant.name", "李四"),
            ("applicant.id_document_type", "passport"),
            ("applicant.id_document", "E12345678"),
            ("applicant.phone", "13812345678"),
            ("request.description", "本区2025年道路改造计划"),
            ("request.carrier", "electronic"),
            ("request.delivery", "online"),
        ]));
        assert_eq!(posted.status, 303, "{}", posted.text);
        let receipt = posted
            .headers
            .iter()
            .find(|(k, v)| k == "set-cookie" && v.starts_with("gongkai_receipt="))
            .map(|(_, v)| v.split(';').next().unwrap().to_owned())
            .unwrap();
        let page = s.exec(
            Req::new("GET", "/apply/receipt")
                .header("Accept", "text/html")
                .header("Cookie", &format!("{cookie}; {receipt}")),
        );
        assert_eq!(page.status, 200, "{}", page.text);
        let shown = page
            .text
            .split("id=\"reference\">")
            .nth(1)
            .unwrap()
            .split('<')
            .next()
            .unwrap();
        assert_eq!(shown.len(), 10, "{shown}");
        assert!(!shown.contains('-'), "{shown}");
        assert_eq!(
            page.text.matches("只显示这一次").count(),
            1,
            "{}",
            page.text
        );
        let queue = s.get("/api/v1/cases", Some(&o.clerk));
        let items = queue.body["items"].as_array().unwrap();
        assert!(
            !page.text.contains(items[0]["id"].as_str().unwrap_or("-"))
                && !page.text.contains(items[1]["id"].as_str().unwrap_or("-")),
            "the receipt shows a case id"
        );
        // The clerk's case page names the unregistered filing by the reference its applicant
        // quotes, and shows the document's type.
        let pending = items
            .iter()
            .find(|i| i["tracking_number"].is_null())
            .unwrap();
        assert_eq!(pending["filing_reference"], shown);
        let staff = s.exec(
            Req::new(
                "GET",
                &format!("/staff/cases/{}", pending["id"].as_str().unwrap()),
            )
            .header("Accept", "text/html")
            .header("Cookie", &format!("gongkai_session={}", o.clerk)),
        );
        assert_eq!(staff.status, 200, "{}", staff.text);
        assert!(
            staff
                .text
                .contains(&format!("（未登记，提交编号 {shown}）")),
            "{}",
            staff.text
        );
        assert!(
            staff.text.contains("<dt>证件类型</dt><dd>护照</dd>"),
            "{}",
            staff.text
        );
    }
}

/// Every error of a filing in one answer (issue 22), not one stage at a time: the blank name
/// (a field rule), the missing identity document and the e-mail delivery without an address
/// (the workflow's checks); with a field rule broken the code is `invalid_input`.
#[test]
fn every_error_of_a_filing_comes_in_one_answer() {
    for db in databases("api-filing-all-errors") {
        let s = TestApp::start(db);
        s.office();
        let body = filing_with(
            json!({"name": " ", "id_document_type": null, "id_document": null, "email": null}),
            "email",
        );
        let r = s.post("/api/v1/requests", None, body);
        assert_eq!(
            (r.status, r.body["code"].as_str()),
            (422, Some("invalid_input")),
            "{}",
            r.body
        );
        assert_eq!(
            paths(&r),
            [
                "applicant.name",
                "applicant.id_document_type",
                "applicant.id_document",
                "applicant.email"
            ],
            "{}",
            r.body
        );
        // The description left out as well: still every field in one answer.
        let mut body = filing_with(json!({"name": " "}), "email");
        body["request"]
            .as_object_mut()
            .unwrap()
            .remove("description");
        let r = s.post("/api/v1/requests", None, body);
        assert_eq!(
            paths(&r),
            ["request.description", "applicant.name"],
            "{}",
            r.body
        );
    }
}
