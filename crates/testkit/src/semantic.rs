//! "Semantically equal" XML, as the conformance tests mean it: the same elements, attributes
//! and texts; attribute order and whitespace-only text ignored; the order of same-named
//! siblings kept (libvirt reads children by name, so only their order among themselves counts).

use roxmltree::Node;

/// `Ok` when `a` and `b` are semantically equal, else where and how they differ.
pub fn semantic_eq(a: Node<'_, '_>, b: Node<'_, '_>) -> Result<(), String> {
    compare(a, b, &mut String::from(a.tag_name().name()))
}

fn compare(a: Node<'_, '_>, b: Node<'_, '_>, path: &mut String) -> Result<(), String> {
    if a.tag_name() != b.tag_name() {
        return Err(format!("{path}: <{}> vs <{}>", a.tag_name().name(), b.tag_name().name()));
    }
    // An address's numbers are equal as numbers: libvirt reads 0x03 and 3 alike (and writes
    // PCI and CCW components in hexadecimal).
    let value = |n: Node<'_, '_>, v: &str| -> String {
        if n.tag_name().name() == "address" {
            let number =
                v.strip_prefix("0x").map_or_else(|| v.parse::<u64>().ok(), |h| u64::from_str_radix(h, 16).ok());
            if let Some(number) = number {
                return number.to_string();
            }
        }
        v.to_owned()
    };
    let mut attrs_a: Vec<(&str, String)> = a.attributes().map(|x| (x.name(), value(a, x.value()))).collect();
    let mut attrs_b: Vec<(&str, String)> = b.attributes().map(|x| (x.name(), value(b, x.value()))).collect();
    attrs_a.sort_unstable();
    attrs_b.sort_unstable();
    if attrs_a != attrs_b {
        return Err(format!("{path}: attributes {attrs_a:?} vs {attrs_b:?}"));
    }
    let texts = |n: Node<'_, '_>| -> Vec<String> {
        n.children()
            .filter(|c| c.is_text())
            .filter_map(|c| c.text().map(|t| t.trim().to_owned()))
            .filter(|t| !t.is_empty())
            .collect()
    };
    if texts(a) != texts(b) {
        return Err(format!("{path}: text {:?} vs {:?}", texts(a), texts(b)));
    }
    let mut names: Vec<&str> =
        a.children().chain(b.children()).filter(Node::is_element).map(|c| c.tag_name().name()).collect();
    names.sort_unstable();
    names.dedup();
    for name in names {
        let xs = named(a, name);
        let ys = named(b, name);
        if xs.len() != ys.len() {
            return Err(format!("{path}: {} <{name}> vs {}", xs.len(), ys.len()));
        }
        for (i, (x, y)) in xs.iter().zip(&ys).enumerate() {
            let len = path.len();
            path.push_str(&format!("/{name}[{i}]"));
            compare(*x, *y, path)?;
            path.truncate(len);
        }
    }
    Ok(())
}

fn named<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Vec<Node<'a, 'i>> {
    n.children().filter(|c| c.is_element() && c.tag_name().name() == name).collect()
}
