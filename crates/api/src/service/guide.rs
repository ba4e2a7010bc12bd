//! The guide to requesting information (申请指南): its shape, its rules and the text shown
//! until an admin saves one.

use gongkai_workflow::Channel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::body::{Validate, at_most, limits, required};
use crate::error::FieldError;

/// The key under which admins keep the guide.
pub const GUIDE_KEY: &str = "guide";

/// 依申请公开办事指南: what an applicant needs to know before filing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Guide {
    pub title: String,
    /// Channels accepted, with addresses (online platform, post, in person, fax, email).
    pub channels: Vec<GuideChannel>,
    pub office_hours: String,
    pub contacts: Vec<String>,
    pub fees: String,
    pub process: Vec<String>,
    pub deadlines: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GuideChannel {
    pub channel: Channel,
    pub label: String,
    pub address: String,
}

impl Validate for Guide {
    fn validate(&self, errors: &mut Vec<FieldError>) {
        required(errors, "title", &self.title, limits::GUIDE_TITLE);
        for (i, c) in self.channels.iter().enumerate() {
            required(
                errors,
                &format!("channels[{i}].label"),
                &c.label,
                limits::NAME,
            );
            required(
                errors,
                &format!("channels[{i}].address"),
                &c.address,
                limits::GUIDE_LINE,
            );
        }
        at_most(
            errors,
            "office_hours",
            &self.office_hours,
            limits::GUIDE_LINE,
        );
        at_most(errors, "fees", &self.fees, limits::GUIDE_TEXT);
        at_most(errors, "deadlines", &self.deadlines, limits::GUIDE_TEXT);
        for (i, p) in self.process.iter().enumerate() {
            required(errors, &format!("process[{i}]"), p, limits::GUIDE_STEP);
        }
        for (i, p) in self.contacts.iter().enumerate() {
            required(errors, &format!("contacts[{i}]"), p, limits::GUIDE_LINE);
        }
    }
}

/// The guide shipped with gongkai, until an admin edits it.
pub fn default_guide() -> Guide {
    let channel = |channel: Channel, address: &str| GuideChannel {
        channel,
        label: channel.label_zh().to_owned(),
        address: address.to_owned(),
    };
    Guide {
        title: "政府信息公开申请办事指南".to_owned(),
        channels: vec![
            channel(Channel::Online, "本平台“在线申请”页面"),
            channel(Channel::InPerson, "政务服务中心政府信息公开窗口（请携带身份证件）"),
            channel(Channel::RegisteredPost, "请在信封上注明“政府信息公开申请”"),
        ],
        office_hours: "工作日 9:00—12:00，13:30—17:00（法定节假日除外）".to_owned(),
        contacts: vec!["政府信息公开工作机构".to_owned()],
        fees: "依申请提供政府信息，不收取费用。申请人申请公开政府信息的数量、频次明显超过合理范围的，行政机关可以收取信息处理费（《中华人民共和国政府信息公开条例》第四十二条）。收费标准依照《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）：按件计收的，按同一申请人一个自然月内累计申请的件数计算，10件以下（含10件）不收费；按量计收的，按一件申请所提供信息的页数计算，30页以下（含30页）不收费，超过部分超额累进计收。对同一件申请只按其中一种标准计收。".to_owned(),
        process: vec![
            "接收：收到申请".to_owned(),
            "登记：编号并确认收到申请之日".to_owned(),
            "办理：检索、征求意见、需要时通知补正".to_owned(),
            "审核：答复经审核后发出".to_owned(),
            "答复：书面答复申请人".to_owned(),
            "归档".to_owned(),
        ],
        deadlines: "能够当场答复的，当场予以答复；不能当场答复的，自收到申请之日起20个工作日内予以答复；需要延长答复期限的，经政府信息公开工作机构负责人同意并告知申请人，延长的期限最长不得超过20个工作日。征求第三方和其他机关意见所需时间不计算在内。申请内容不明确的，在收到申请之日起7个工作日内一次性告知补正，答复期限自收到补正的申请之日起计算。".to_owned(),
    }
}

#[cfg(test)]
mod fee_text_tests {
    use super::*;

    /// Art. 42 lets the agency charge (可以收取); requests are counted per calendar month and
    /// pages within one request (国办函〔2020〕109号, arts. 4–5).
    #[test]
    fn the_default_fee_text_follows_art_42_and_the_109_counting() {
        let fees = default_guide().fees;
        assert!(fees.contains("可以收取信息处理费"), "{fees}");
        assert!(fees.contains("第四十二条"), "{fees}");
        assert!(
            fees.contains("按同一申请人一个自然月内累计申请的件数计算"),
            "{fees}"
        );
        assert!(fees.contains("按一件申请所提供信息的页数计算"), "{fees}");
        assert!(!fees.contains("，收取信息处理费"), "{fees}");
        assert!(!fees.contains("自然月内申请数量或者总页数"), "{fees}");
        let mut errors = Vec::new();
        default_guide().validate(&mut errors);
        assert!(errors.is_empty(), "{errors:?}");
    }
}
