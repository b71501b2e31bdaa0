//! The roles of folders (`EmailDossierSpecial`, `EmailListeDossierRole`): the
//! special-use attributes of RFC 6154 in the LIST answer, else the names mail clients
//! commonly give those folders. Each role goes to one folder at most: the first one
//! carrying its attribute, else the first whose last name level is one of the usual
//! names (earlier names first); a folder plays one role at most.

use crate::session::{Folder, FolderRole};

/// The attribute of each role.
const ATTRIBUTES: [(FolderRole, &str); 6] = [
    (FolderRole::Sent, "\\Sent"),
    (FolderRole::Drafts, "\\Drafts"),
    (FolderRole::Trash, "\\Trash"),
    (FolderRole::Junk, "\\Junk"),
    (FolderRole::Archive, "\\Archive"),
    (FolderRole::All, "\\All"),
];

/// The usual names of each role (compared without regard to case), when no folder
/// carries its attribute.
fn usual_names(role: FolderRole) -> &'static [&'static str] {
    match role {
        FolderRole::Sent => &[
            "Sent",
            "Sent Items",
            "Sent Messages",
            "Sent Mail",
            "Envoyés",
            "Éléments envoyés",
            "Messages envoyés",
        ],
        FolderRole::Drafts => &["Drafts", "Draft", "Brouillons"],
        FolderRole::Trash => &[
            "Trash",
            "Deleted Items",
            "Deleted Messages",
            "Bin",
            "Corbeille",
            "Éléments supprimés",
        ],
        FolderRole::Junk => &[
            "Junk",
            "Spam",
            "Junk E-mail",
            "Junk Email",
            "Bulk Mail",
            "Courrier indésirable",
            "Indésirables",
        ],
        FolderRole::Archive => &["Archive", "Archives"],
        FolderRole::All => &["All Mail"],
    }
}

/// One folder of a LIST answer: its decoded name, attributes and hierarchy separator.
pub(super) struct Listed {
    pub name: String,
    pub attributes: Vec<String>,
    pub delimiter: Option<String>,
}

impl Listed {
    fn has(&self, attribute: &str) -> bool {
        self.attributes
            .iter()
            .any(|a| a.eq_ignore_ascii_case(attribute))
    }

    fn selectable(&self) -> bool {
        !self.has("\\Noselect") && !self.has("\\NonExistent")
    }

    fn last_level(&self) -> &str {
        match self.delimiter.as_deref().filter(|d| !d.is_empty()) {
            Some(d) => self.name.rsplit(d).next().unwrap_or(&self.name),
            None => &self.name,
        }
    }
}

/// The folders in LIST order, each with its role (see the module).
pub(super) fn assign(listed: &[Listed]) -> Vec<Folder> {
    let mut roles: Vec<Option<FolderRole>> = vec![None; listed.len()];
    for (role, attribute) in ATTRIBUTES {
        if let Some(i) = (0..listed.len()).find(|&i| roles[i].is_none() && listed[i].has(attribute))
        {
            roles[i] = Some(role);
        }
    }
    for &role in FolderRole::ALL {
        if roles.contains(&Some(role)) {
            continue;
        }
        let found = usual_names(role).iter().find_map(|usual| {
            (0..listed.len()).find(|&i| {
                let l = &listed[i];
                roles[i].is_none()
                    && l.selectable()
                    && l.last_level().to_lowercase() == usual.to_lowercase()
            })
        });
        if let Some(i) = found {
            roles[i] = Some(role);
        }
    }
    listed
        .iter()
        .zip(roles)
        .map(|(l, role)| Folder {
            name: l.name.clone(),
            role,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(name: &str, attributes: &[&str]) -> Listed {
        Listed {
            name: name.into(),
            attributes: attributes.iter().map(|a| a.to_string()).collect(),
            delimiter: Some("/".into()),
        }
    }

    fn role_of(folders: &[Folder], name: &str) -> Option<FolderRole> {
        folders.iter().find(|f| f.name == name).and_then(|f| f.role)
    }

    #[test]
    fn attributes_win_over_names() {
        let f = assign(&[
            listed("INBOX", &[]),
            listed("Sent", &[]),
            listed("Outbox", &["\\HasNoChildren", "\\sent"]),
            listed("Deleted Items", &[]),
            listed("Corbeille", &[]),
            listed("Work/Spam", &[]),
            listed("Archive", &["\\Noselect"]),
            listed("[Gmail]/All Mail", &["\\All", "\\Archive"]),
        ]);
        assert_eq!(role_of(&f, "Outbox"), Some(FolderRole::Sent));
        assert_eq!(role_of(&f, "Sent"), None, "the attribute won");
        assert_eq!(role_of(&f, "Deleted Items"), Some(FolderRole::Trash));
        assert_eq!(role_of(&f, "Corbeille"), None, "one folder a role");
        assert_eq!(role_of(&f, "Work/Spam"), Some(FolderRole::Junk));
        assert_eq!(role_of(&f, "Archive"), None, "not selectable");
        assert_eq!(role_of(&f, "[Gmail]/All Mail"), Some(FolderRole::Archive));
        assert_eq!(role_of(&f, "INBOX"), None);
        assert!(!f.iter().any(|x| x.role == Some(FolderRole::Drafts)));
        assert!(!f.iter().any(|x| x.role == Some(FolderRole::All)));
        assert_eq!(f.len(), 8);
    }

    #[test]
    fn usual_names_ignore_case_and_level() {
        let f = assign(&[
            listed("INBOX/éléments ENVOYÉS", &[]),
            listed("brouillons", &[]),
        ]);
        assert_eq!(f[0].role, Some(FolderRole::Sent));
        assert_eq!(f[1].role, Some(FolderRole::Drafts));
    }
}
