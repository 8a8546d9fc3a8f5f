//! The synthetic organisation's people: engineers, leads, two bots and a pool of customers,
//! each with a stable Cloud-style account id and a realistic display name. Customers are
//! computed from their number on demand, so the pool costs no memory however many tickets
//! there are.

use std::borrow::Cow;

/// A reference to one person of the roster; cheap to copy into every event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Who {
    Engineer(u32),
    Lead(u32),
    /// A notification integration running on an ordinary account, listed in `[team] bots`.
    Notifier,
    /// Jira automation: an app account (`accountType == "app"`).
    Automation,
    Customer(u32),
}

/// One account as JIRA shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub id: String,
    pub name: String,
    /// `atlassian` for people, `app` for automation, `customer` for service-desk customers.
    pub account_type: &'static str,
    /// `emailAddress`: `first.last@example.com` for engineers and leads, where delivery
    /// mails them; none for bots and customers.
    pub email: Option<String>,
}

/// Everyone in the organisation.
#[derive(Debug, Clone)]
pub struct Roster {
    engineers: Vec<Person>,
    leads: Vec<Person>,
    notifier: Person,
    automation: Person,
    customers: u32,
}

const FIRST: [&str; 48] = [
    "Amara", "Kasun", "Priya", "Mateo", "Olivia", "Chen", "Nadia", "Tomasz", "Aisha", "Lucas",
    "Dilani", "Kwame", "Sofia", "Rahul", "Yuki", "Fatima", "Liam", "Ngozi", "Elena", "Tharindu",
    "Mei", "Omar", "Ingrid", "Arjun", "Chloe", "Sipho", "Hana", "Diego", "Zainab", "Niamh", "Ravi",
    "Leila", "Jakub", "Ama", "Hiroshi", "Isabel", "Nuwan", "Grace", "Farhan", "Marta", "Kofi",
    "Anjali", "Sven", "Lerato", "Wei", "Camila", "Dmitri", "Shanika",
];

// 47 is prime, so every (first, last) pair below 48 × 47 is used at most once.
const LAST: [&str; 47] = [
    "Perera",
    "Okafor",
    "Nguyen",
    "Kowalski",
    "Fernando",
    "Garcia",
    "Haddad",
    "Tanaka",
    "Mensah",
    "Silva",
    "Iyer",
    "O'Brien",
    "Jayasinghe",
    "Muller",
    "Chatterjee",
    "Adeyemi",
    "Rossi",
    "Wickramasinghe",
    "Kim",
    "Novak",
    "Bandara",
    "Hughes",
    "Abdullah",
    "Lindqvist",
    "Ramos",
    "Dissanayake",
    "Zhang",
    "Mokoena",
    "Petrova",
    "Gunawardena",
    "Byrne",
    "Sato",
    "Khan",
    "Moreau",
    "Rajapaksa",
    "Osei",
    "Nakamura",
    "Kaur",
    "Fischer",
    "Herath",
    "Alvarez",
    "Walsh",
    "Mahlangu",
    "Rahman",
    "Eriksen",
    "de Silva",
    "Popescu",
];

/// A realistic, mostly unique display name for the n-th person of a list.
fn name(n: u64) -> String {
    let f = FIRST.len() as u64;
    let first = FIRST[(n % f) as usize];
    let last = LAST[((n / f + n * 7) % LAST.len() as u64) as usize];
    format!("{first} {last}")
}

/// `first.last@example.com` from a display name: lower-case ASCII letters and digits, the
/// words joined by dots ("Ama de Silva" is `ama.de.silva@example.com`).
fn email(name: &str) -> String {
    let words: Vec<String> = name
        .split(' ')
        .map(|w| {
            w.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase())
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect();
    format!("{}@example.com", words.join("."))
}

/// A 24-hex-digit Cloud-style account id, distinct per role tag and number.
fn account_id(tag: u32, n: u64) -> String {
    let mut z = (u64::from(tag) << 40 ^ n).wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    format!("{:08x}{:016x}", 0x5b10_a284_u32 ^ tag, z ^ (z >> 31))
}

impl Roster {
    /// `engineers` engineers, one lead per eight of them (at least one), and a customer pool
    /// sized so a customer opens a few tickets over the period.
    pub fn new(engineers: usize, tickets: usize) -> Roster {
        let leads = engineers.div_ceil(8).max(1);
        let staff = |tag: u32, offset: usize, count: usize| -> Vec<Person> {
            (0..count)
                .map(|i| {
                    let name = name((offset + i) as u64);
                    Person {
                        id: account_id(tag, i as u64),
                        email: Some(email(&name)),
                        name,
                        account_type: "atlassian",
                    }
                })
                .collect()
        };
        Roster {
            engineers: staff(1, 0, engineers),
            leads: staff(2, engineers, leads),
            notifier: Person {
                id: account_id(3, 0),
                name: "Support Notifier".to_string(),
                account_type: "atlassian",
                email: None,
            },
            automation: Person {
                id: account_id(4, 0),
                name: "Automation for Jira".to_string(),
                account_type: "app",
                email: None,
            },
            customers: (tickets / 3).clamp(20, 1_000_000) as u32,
        }
    }

    pub fn engineers(&self) -> &[Person] {
        &self.engineers
    }

    pub fn leads(&self) -> &[Person] {
        &self.leads
    }

    /// The bot that is recognisable only by being listed in `[team] bots`.
    pub fn notifier(&self) -> &Person {
        &self.notifier
    }

    /// How many customers the pool holds.
    pub fn customer_count(&self) -> u32 {
        self.customers
    }

    /// The account behind a reference. Customers are built on demand.
    pub fn person(&self, who: Who) -> Cow<'_, Person> {
        match who {
            Who::Engineer(i) => Cow::Borrowed(&self.engineers[i as usize]),
            Who::Lead(i) => Cow::Borrowed(&self.leads[i as usize]),
            Who::Notifier => Cow::Borrowed(&self.notifier),
            Who::Automation => Cow::Borrowed(&self.automation),
            Who::Customer(i) => Cow::Owned(Person {
                id: account_id(5, u64::from(i)),
                // Offset into the name space so customers rarely share a staff member's name.
                name: name(u64::from(i) * 13 + 1009),
                account_type: "customer",
                email: None,
            }),
        }
    }

    /// The first name, for greetings in comment texts.
    pub fn first_name(&self, who: Who) -> String {
        let person = self.person(who);
        person
            .name
            .split(' ')
            .next()
            .unwrap_or_default()
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn staff_have_distinct_ids_and_names() {
        let roster = Roster::new(150, 200_000);
        assert_eq!(roster.leads().len(), 19);
        let ids: BTreeSet<_> = roster
            .engineers()
            .iter()
            .chain(roster.leads())
            .map(|p| &p.id)
            .collect();
        let names: BTreeSet<_> = roster
            .engineers()
            .iter()
            .chain(roster.leads())
            .map(|p| &p.name)
            .collect();
        let emails: BTreeSet<_> = roster
            .engineers()
            .iter()
            .chain(roster.leads())
            .filter_map(|p| p.email.as_deref())
            .collect();
        assert_eq!(ids.len(), 169);
        assert_eq!(names.len(), 169);
        assert_eq!(
            emails.len(),
            169,
            "every staff member has their own address"
        );
        assert!(roster.engineers().iter().all(|p| p.id.len() == 24));
    }

    #[test]
    fn small_team_has_one_lead_and_named_bots() {
        let roster = Roster::new(3, 10);
        assert_eq!(roster.leads().len(), 1);
        assert_eq!(roster.customer_count(), 20);
        assert_eq!(roster.person(Who::Automation).account_type, "app");
        assert_eq!(roster.person(Who::Notifier).account_type, "atlassian");
        assert_eq!(roster.person(Who::Engineer(0)).name, "Amara Perera");
        assert_eq!(
            roster.person(Who::Engineer(0)).email.as_deref(),
            Some("amara.perera@example.com")
        );
        assert_eq!(email("Niamh O'Brien"), "niamh.obrien@example.com");
        assert_eq!(email("Ama de Silva"), "ama.de.silva@example.com");
        assert_eq!(roster.person(Who::Customer(4)).email, None);
        assert_eq!(roster.person(Who::Notifier).email, None);
        assert_eq!(
            roster.person(Who::Customer(4)),
            roster.person(Who::Customer(4))
        );
        assert_ne!(
            roster.person(Who::Customer(4)).id,
            roster.person(Who::Customer(5)).id
        );
    }
}
