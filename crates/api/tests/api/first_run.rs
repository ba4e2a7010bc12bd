//! A new office on /admin alone (issue 18 point 1): from no agency, the admin is led through
//! agency → intake department → departments → staff; agencies, departments (deactivated
//! too) and users are edited there; a refused form keeps its choices and says why beside the field; only admins
//! reach these forms.

use gongkai_workflow::Role;

use super::*;

/// The admin's page with the admin's session cookie; `post` sends a form with its CSRF
/// token.
struct AdminBrowser<'a> {
    s: &'a TestApp,
    cookie: String,
    csrf: String,
}

impl AdminBrowser<'_> {
    fn page(&self) -> String {
        let r = self.s.exec(
            Req::new("GET", "/admin")
                .header("Accept", "text/html")
                .header("Cookie", &self.cookie),
        );
        assert_eq!(r.status, 200, "{}", r.text);
        r.text
    }

    fn post(&self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let mut all = vec![("csrf", self.csrf.as_str())];
        all.extend_from_slice(fields);
        self.s.exec(
            Req::new("POST", path)
                .header("Accept", "text/html")
                .header("Cookie", &self.cookie)
                .form(&all),
        )
    }
}

/// The first-run checklist's next step (the `aria-current` item).
fn next_step(html: &str) -> Option<&str> {
    let at = html.find("aria-current=\"step\"")?;
    let rest = &html[at..];
    let start = rest.find("下一步：")? + "下一步：".len();
    let link = &rest[start..];
    let open = link.find('>')? + 1;
    let close = link.find("</a>")?;
    Some(&link[open..close])
}

#[test]
fn a_new_office_is_set_up_on_the_admin_page_step_by_step() {
    for db in databases("api-first-run") {
        let s = TestApp::start(db);
        let admin = s.user("admin", Role::Admin, &[]);
        let b = AdminBrowser {
            s: &s,
            cookie: format!("gongkai_session={}", admin.token),
            csrf: admin.csrf.clone(),
        };
        // No agency: the checklist leads to the agency form; no department form yet.
        let html = b.page();
        assert!(html.contains("id=\"first-run\""), "{html}");
        assert_eq!(next_step(&html), Some("创建行政机关"), "{html}");
        assert!(html.contains("请先创建行政机关，再创建其部门"), "{html}");

        // A bad agency: 422, the errors beside their fields, what was typed kept.
        let r = b.post(
            "/admin/agencies",
            &[
                ("code", "Chaoyang Housing"),
                ("name", "北京市朝阳区住房和城乡建设委员会"),
                ("tracking_prefix", "cy"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(
            r.text.contains("代码为 2—32 位小写字母、数字或连字符"),
            "{}",
            r.text
        );
        assert!(r.text.contains("编号前缀为 1—8 位大写字母"), "{}", r.text);
        assert!(
            r.text
                .contains("value=\"北京市朝阳区住房和城乡建设委员会\""),
            "{}",
            r.text
        );
        assert!(r.text.contains("value=\"Chaoyang Housing\""), "{}", r.text);
        // Good, the prefix left to default from the code.
        let r = b.post(
            "/admin/agencies",
            &[
                ("code", "cy-zjw"),
                ("name", "北京市朝阳区住房和城乡建设委员会"),
                ("tracking_prefix", ""),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.text);
        let list = s.get("/api/v1/agencies", None);
        assert_eq!(list.body[0]["code"], "cy-zjw", "{}", list.body);
        assert_eq!(list.body[0]["tracking_prefix"], "CYZJW", "{}", list.body);
        let html = b.page();
        assert_eq!(next_step(&html), Some("创建接收部门"), "{html}");

        // An intake department refused: the 接收部门 box stays ticked, the agency chosen.
        let r = b.post(
            "/admin/departments",
            &[
                ("agency", "cy-zjw"),
                ("code", "Intake"),
                ("name", "办公室"),
                ("is_intake:b", "true"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(
            r.text
                .contains("name=\"is_intake:b\" value=\"true\" checked"),
            "{}",
            r.text
        );
        assert!(
            r.text.contains("<option value=\"cy-zjw\" selected>"),
            "{}",
            r.text
        );
        let r = b.post(
            "/admin/departments",
            &[
                ("agency", "cy-zjw"),
                ("code", "cy-bgs"),
                ("name", "办公室"),
                ("is_intake:b", "true"),
            ],
        );
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(next_step(&b.page()), Some("创建其他业务部门"));
        let r = b.post(
            "/admin/departments",
            &[("agency", "cy-zjw"), ("code", "cy-fgk"), ("name", "法规科")],
        );
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(next_step(&b.page()), Some("创建工作人员账号"));

        // Staff: a clerk and a supervisor; then the checklist is gone.
        for (username, role) in [("clerk1", "clerk"), ("super1", "supervisor")] {
            let r = b.post(
                "/admin/users",
                &[
                    ("username", username),
                    ("display_name", username),
                    ("role", role),
                    ("departments", "cy-fgk"),
                ],
            );
            assert_eq!(r.status, 201, "{}", r.text);
        }
        let html = b.page();
        assert!(!html.contains("id=\"first-run\""), "{html}");
        // The users table names departments, not codes.
        assert!(html.contains("<td>法规科</td>"), "{html}");

        // Edits: the agency renamed, a department renamed and made intake no more.
        let r = b.post("/admin/agencies/cy-zjw", &[("name", " ")]);
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("此项必填"), "{}", r.text);
        let r = b.post(
            "/admin/agencies/cy-zjw",
            &[("name", "北京市朝阳区住房和城乡建设委员会（新）")],
        );
        assert_eq!(r.status, 303, "{}", r.text);
        let list = s.get("/api/v1/agencies", None);
        assert_eq!(
            list.body[0]["name"],
            "北京市朝阳区住房和城乡建设委员会（新）"
        );
        let r = b.post(
            "/admin/departments/cy-fgk",
            &[("name", "法制科"), ("is_intake:b", "true")],
        );
        assert_eq!(r.status, 303, "{}", r.text);
        let r = b.post("/admin/departments/no-such", &[("name", "某科")]);
        assert_eq!(r.status, 404, "{}", r.text);
        let deps = s.get("/api/v1/agencies/cy-zjw/departments", None);
        let fgk = deps
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["code"] == "cy-fgk")
            .unwrap();
        assert_eq!(
            (fgk["name"].as_str(), fgk["is_intake"].as_bool()),
            (Some("法制科"), Some(true)),
            "{}",
            deps.body
        );

        // Deactivated: refused while still the intake department, then kept but no longer
        // offered (the public list), marked on /admin; and active again.
        let r = b.post(
            "/admin/departments/cy-fgk",
            &[
                ("name", "法制科"),
                ("is_intake:b", "true"),
                ("disabled:b", "true"),
            ],
        );
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(r.text.contains("停用的部门不能作为接收部门"), "{}", r.text);
        assert!(
            r.text
                .contains("name=\"disabled:b\" value=\"true\" checked"),
            "{}",
            r.text
        );
        let r = b.post(
            "/admin/departments/cy-fgk",
            &[("name", "法制科"), ("disabled:b", "true")],
        );
        assert_eq!(r.status, 303, "{}", r.text);
        let codes = |s: &TestApp| -> Vec<String> {
            s.get("/api/v1/agencies/cy-zjw/departments", None)
                .body
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(codes(&s), ["cy-bgs"]);
        let html = b.page();
        assert!(
            html.contains("法制科（cy-fgk） · <strong>已停用</strong>"),
            "{html}"
        );
        assert!(
            html.contains("北京市朝阳区住房和城乡建设委员会（新） · 法制科（已停用）"),
            "{html}"
        );
        let r = b.post("/admin/departments/cy-fgk", &[("name", "法制科")]);
        assert_eq!(r.status, 303, "{}", r.text);
        assert_eq!(codes(&s), ["cy-bgs", "cy-fgk"]);

        // A user edited: name, role and departments, disabled. A clerk without a department
        // is refused beside the field with the choices kept.
        let users = s.get("/api/v1/admin/users", Some(&admin.token));
        let clerk = users
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["username"] == "clerk1")
            .unwrap();
        let id = clerk["id"].as_str().unwrap().to_owned();
        let path = format!("/admin/users/{id}/edit");
        let r = b.post(&path, &[("display_name", "李承办"), ("role", "clerk")]);
        assert_eq!(r.status, 422, "{}", r.text);
        assert!(
            r.text.contains("承办人和审核人须至少属于一个部门"),
            "{}",
            r.text
        );
        assert!(r.text.contains("value=\"李承办\""), "{}", r.text);
        let r = b.post(
            &path,
            &[
                ("display_name", "李承办"),
                ("role", "supervisor"),
                ("departments", "cy-fgk"),
                ("departments", "cy-bgs"),
                ("disabled:b", "true"),
            ],
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains("用户信息已保存"), "{}", r.text);
        let users = s.get("/api/v1/admin/users", Some(&admin.token));
        let u = users
            .body
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["id"] == id.as_str())
            .unwrap();
        assert_eq!(u["display_name"], "李承办");
        assert_eq!(u["role"], "supervisor");
        assert_eq!(u["disabled"], true);
        let mut d: Vec<&str> = u["departments"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap())
            .collect();
        d.sort_unstable();
        assert_eq!(d, ["cy-bgs", "cy-fgk"]);
        // An admin renames themself, but may not demote or disable themself.
        let me = admin_id(&s, &admin.token);
        let r = b.post(
            &format!("/admin/users/{me}/edit"),
            &[("display_name", "王管理"), ("role", "admin")],
        );
        assert_eq!(r.status, 200, "{}", r.text);
        assert!(r.text.contains("<td>王管理</td>"), "{}", r.text);
        let r = b.post(
            &format!("/admin/users/{me}/edit"),
            &[
                ("display_name", "王管理"),
                ("role", "admin"),
                ("disabled:b", "true"),
            ],
        );
        assert_eq!(r.status, 403, "{}", r.text);
        let r = b.post(
            &format!("/admin/users/{}/edit", admin_id(&s, &admin.token)),
            &[
                ("display_name", "管理员"),
                ("role", "clerk"),
                ("departments", "cy-fgk"),
            ],
        );
        assert_eq!(r.status, 403, "{}", r.text);
        assert!(
            r.text.contains("不能停用自己的账号或更改自己的角色"),
            "{}",
            r.text
        );

        // Only admins: a supervisor's session (and none) changes nothing; without the CSRF
        // token, neither does the admin's.
        let sup = s.user("super9", Role::Supervisor, &["cy-fgk"]);
        for (path, fields) in [
            (
                "/admin/agencies",
                vec![("code", "qx"), ("name", "某区人民政府")],
            ),
            ("/admin/agencies/cy-zjw", vec![("name", "改名")]),
            ("/admin/departments/cy-fgk", vec![("name", "改名")]),
            (
                path.as_str(),
                vec![
                    ("display_name", "改名"),
                    ("role", "clerk"),
                    ("departments", "cy-fgk"),
                ],
            ),
        ] {
            let mut all = vec![("csrf", sup.csrf.as_str())];
            all.extend(fields.iter().copied());
            let r = s.exec(
                Req::new("POST", path)
                    .header("Accept", "text/html")
                    .header("Cookie", &format!("gongkai_session={}", sup.token))
                    .form(&all),
            );
            // As every admin page to a non-admin: not found.
            assert_eq!(r.status, 404, "{path}: {}", r.text);
            let r = s.exec(
                Req::new("POST", path)
                    .header("Accept", "text/html")
                    .form(&fields),
            );
            assert!(
                r.status == 401 || r.status == 303 || r.status == 403,
                "{path}: {}",
                r.status
            );
            let r = s.exec(
                Req::new("POST", path)
                    .header("Accept", "text/html")
                    .header("Cookie", &b.cookie)
                    .form(&fields),
            );
            assert_eq!(r.status, 403, "{path}: {}", r.text);
        }
        let list = s.get("/api/v1/agencies", None);
        assert_eq!(list.body.as_array().unwrap().len(), 1);
        assert_eq!(
            list.body[0]["name"],
            "北京市朝阳区住房和城乡建设委员会（新）"
        );
    }
}

fn admin_id(s: &TestApp, token: &str) -> String {
    s.get("/api/v1/session", Some(token)).body["user"]["id"]
        .as_str()
        .unwrap()
        .to_owned()
}
