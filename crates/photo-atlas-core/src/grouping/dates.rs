//! The date tree: years, their months, their days, newest last, as a flat list
//! in tree order (a year, then its months, each followed by its days).

use chrono::{Datelike, NaiveDate};

use super::labels::{day_label, month_label};
use super::{Group, GroupLevel, sort_by_time, undated_group};
use crate::metadata::Timestamp;
use crate::photo::PhotoRecord;

/// Groups photos by year, month and day of their (local) capture time.
pub fn group_by_date(photos: &[PhotoRecord]) -> Vec<Group> {
    let (dated, undated) = sort_by_time(photos);
    let mut groups = Vec::new();
    let mut year_at = None;
    let mut month_at = None;
    let mut day_at = None;
    for (photo, at) in dated {
        let date = at.local.date();
        let keys = [
            format!("{:04}", date.year()),
            format!("{:04}-{:02}", date.year(), date.month()),
            date.format("%Y-%m-%d").to_string(),
        ];
        let levels = [GroupLevel::Year, GroupLevel::Month, GroupLevel::Day];
        let slots = [&mut year_at, &mut month_at, &mut day_at];
        for ((key, level), slot) in keys.into_iter().zip(levels).zip(slots) {
            let index = match *slot {
                Some(i) if groups_key(&groups, i) == key => i,
                _ => {
                    groups.push(new_group(level, key, date, at));
                    groups.len() - 1
                }
            };
            *slot = Some(index);
            let g: &mut Group = &mut groups[index];
            g.photos.push(photo.path.clone());
            g.end = Some(at);
        }
    }
    groups.extend(undated_group(&undated));
    groups
}

fn groups_key(groups: &[Group], i: usize) -> &str {
    &groups[i].key
}

fn new_group(level: GroupLevel, key: String, date: NaiveDate, at: Timestamp) -> Group {
    let label = match level {
        GroupLevel::Year => key.clone(),
        GroupLevel::Month => month_label(date),
        _ => day_label(date),
    };
    Group {
        level,
        key,
        label,
        photos: Vec::new(),
        start: Some(at),
        end: Some(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::grouping::test_support::photo;

    #[test]
    fn builds_year_month_day_tree_in_order() {
        let photos = vec![
            photo("/p/c.jpg", Some("2020:01:02 08:00:00")),
            photo("/p/a.jpg", Some("2019:07:13 10:00:00")),
            photo("/p/b.jpg", Some("2019:07:13 09:00:00")),
            photo("/p/d.jpg", Some("2019:08:01 12:00:00")),
            photo("/p/e.jpg", None),
        ];
        let groups = group_by_date(&photos);
        let summary: Vec<_> = groups
            .iter()
            .map(|g| (g.level, g.label.as_str(), g.photos.len()))
            .collect();
        assert_eq!(
            summary,
            [
                (GroupLevel::Year, "2019", 3),
                (GroupLevel::Month, "July 2019", 2),
                (GroupLevel::Day, "Saturday 13 July 2019", 2),
                (GroupLevel::Month, "August 2019", 1),
                (GroupLevel::Day, "Thursday 1 August 2019", 1),
                (GroupLevel::Year, "2020", 1),
                (GroupLevel::Month, "January 2020", 1),
                (GroupLevel::Day, "Thursday 2 January 2020", 1),
                (GroupLevel::Undated, "No date", 1),
            ]
        );
        assert_eq!(
            groups[2].photos,
            [
                std::path::Path::new("/p/b.jpg"),
                std::path::Path::new("/p/a.jpg")
            ]
        );
        assert_eq!(
            groups[0].start.map(|t| t.to_iso()).as_deref(),
            Some("2019-07-13T09:00:00")
        );
        assert_eq!(
            groups[0].end.map(|t| t.to_iso()).as_deref(),
            Some("2019-08-01T12:00:00")
        );
    }
}
