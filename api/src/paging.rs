//! Pages of a list, by key (`id > last id seen`) rather than by offset, so that a page deep
//! in a long list costs the same as the first. A list sorted by a column a person chose, or
//! a page jumped to by its number, is read by offset (`skip`) instead.

use crate::catalogue::FieldRef;

/// Default number of rows per page.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// Largest page a caller may ask for.
pub const MAXIMUM_PAGE_SIZE: u64 = 1000;
/// Rows per query of an export, which the core reads for itself
/// ([`PageRequest::export_batch`]): more than a caller's page, since between two queries
/// the database's reading waits for the last rows to be taken (docs/benchmarks.md).
pub const EXPORT_BATCH_SIZE: u64 = 5000;
const _: () = assert!(EXPORT_BATCH_SIZE > MAXIMUM_PAGE_SIZE);

/// The order a person asked a list in: by one of its columns, rising or falling, then by
/// id in the same direction. Which columns a list can be sorted by is the core's.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SortOrder {
    /// The column.
    pub field: FieldRef,
    /// Largest (or latest, or last in the alphabet) first.
    pub descending: bool,
}

/// Which page to read: the rows after `after_id`, at most `size` of them. Its fields are
/// private: the only ways to make one ([`PageRequest::first`], [`PageRequest::after`], a
/// deserialised request) keep the size between 1 and [`MAXIMUM_PAGE_SIZE`]; only an
/// export's batches ([`PageRequest::export_batch`]), which the core makes for itself,
/// are larger.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "RequestedPage")]
pub struct PageRequest {
    /// The last id of the previous page, or `None` for the first page.
    after_id: Option<i32>,
    /// Number of rows, between 1 and [`MAXIMUM_PAGE_SIZE`] ([`EXPORT_BATCH_SIZE`] for an
    /// export's batches).
    size: u64,
    /// Whether to count every row of the list too (a person's first page: « 31 contrats —
    /// page 1/4 »); a count costs a query, so lists read by scripts do not.
    count_total: bool,
    /// Rows left out before the page (after `after_id` if given): a page jumped to, or
    /// the pages of a sorted list.
    skip: u64,
    /// The order a person chose, instead of the list's own.
    sort: Option<SortOrder>,
}

impl PageRequest {
    /// The first page of `size` rows (clamped to 1..=[`MAXIMUM_PAGE_SIZE`]).
    pub fn first(size: u64) -> Self {
        Self {
            after_id: None,
            size: size.clamp(1, MAXIMUM_PAGE_SIZE),
            count_total: false,
            skip: 0,
            sort: None,
        }
    }

    /// The first batch of an export: [`EXPORT_BATCH_SIZE`] rows, the pages after it as
    /// many ([`Page::next`]).
    pub fn export_batch() -> Self {
        Self {
            size: EXPORT_BATCH_SIZE,
            ..Self::first(1)
        }
    }

    /// The page numbered `number` (from 1) of the list in the order `sort` (the list's own
    /// when `None`), pages of `size` rows.
    pub fn numbered(number: u64, size: u64, sort: Option<SortOrder>) -> Self {
        let first = Self::first(size);
        Self {
            skip: number.saturating_sub(1).saturating_mul(first.size),
            sort,
            ..first
        }
    }

    /// The page of `size` rows after the first `skip` rows of the list, in its own order.
    pub fn from_row(skip: u64, size: u64) -> Self {
        Self {
            skip,
            ..Self::first(size)
        }
    }

    /// The same request, for pages of `size` rows (a terminal resized): a page read by
    /// offset starts at the same row.
    pub fn resized(self, size: u64) -> Self {
        Self {
            size: size.clamp(1, MAXIMUM_PAGE_SIZE),
            ..self
        }
    }

    /// The same request, with the list's rows counted ([`Page::total`]).
    pub fn counting(self) -> Self {
        Self {
            count_total: true,
            ..self
        }
    }

    /// The page after the row `after_id`.
    pub fn after(after_id: i32, size: u64) -> Self {
        Self {
            after_id: Some(after_id),
            ..Self::first(size)
        }
    }

    /// How many rows to fetch: one more than the page, to know whether another follows.
    pub fn fetch_limit(self) -> u64 {
        self.size + 1
    }

    /// The last id of the previous page, or `None` for the first page.
    pub fn after_id(self) -> Option<i32> {
        self.after_id
    }

    /// Number of rows, between 1 and [`MAXIMUM_PAGE_SIZE`] ([`EXPORT_BATCH_SIZE`] for an
    /// export's batches).
    pub fn size(self) -> u64 {
        self.size
    }

    /// Rows left out before the page.
    pub fn skip(self) -> u64 {
        self.skip
    }

    /// The order a person chose, if any.
    pub fn sort(self) -> Option<SortOrder> {
        self.sort
    }
}

/// A page request as it arrives from outside: its size is clamped again, so that no
/// deserialised request bypasses [`MAXIMUM_PAGE_SIZE`].
#[derive(serde::Deserialize)]
struct RequestedPage {
    after_id: Option<i32>,
    size: u64,
    count_total: bool,
    #[serde(default)]
    skip: u64,
    #[serde(default)]
    sort: Option<SortOrder>,
}

impl From<RequestedPage> for PageRequest {
    fn from(requested: RequestedPage) -> Self {
        let first = PageRequest::first(requested.size);
        PageRequest {
            after_id: requested.after_id,
            count_total: requested.count_total,
            skip: requested.skip,
            sort: requested.sort,
            ..first
        }
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::first(DEFAULT_PAGE_SIZE)
    }
}

/// One page of results.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Page<T> {
    /// The rows, in id order.
    pub items: Vec<T>,
    /// The request for the next page, if there is one.
    pub next: Option<PageRequest>,
    /// How many rows the whole list has, when the request asked
    /// ([`PageRequest::counting`]).
    pub total: Option<u64>,
}

impl<T> Page<T> {
    /// A list with nothing in it.
    pub fn empty() -> Self {
        Self {
            items: Vec::new(),
            next: None,
            total: Some(0),
        }
    }

    /// Builds a page from up to `request.fetch_limit()` rows fetched in id order.
    pub fn from_rows(mut rows: Vec<T>, request: PageRequest, id: impl Fn(&T) -> i32) -> Self {
        let has_more = rows.len() as u64 > request.size;
        rows.truncate(request.size as usize);
        // The same size as asked (an export reads more than a person's page); in the
        // list's own order, after the last row; in an order chosen, by offset.
        let next = match rows.last() {
            Some(_) if has_more && request.sort.is_some() => Some(PageRequest {
                skip: request.skip + request.size,
                count_total: false,
                ..request
            }),
            Some(last) if has_more => Some(PageRequest {
                after_id: Some(id(last)),
                size: request.size,
                count_total: false,
                skip: 0,
                sort: None,
            }),
            _ => None,
        };
        Self {
            items: rows,
            next,
            total: None,
        }
    }

    /// This page with the list's `total`, counted by `count` when the request asked for
    /// it.
    pub async fn counted<E>(
        mut self,
        request: PageRequest,
        count: impl Future<Output = Result<u64, E>>,
    ) -> Result<Self, E> {
        if request.count_total {
            self.total = Some(count.await?);
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_export_reads_larger_batches_than_any_caller_may_ask_for() {
        let batch = PageRequest::export_batch();
        assert_eq!(batch.size(), EXPORT_BATCH_SIZE);
        assert_eq!(batch.fetch_limit(), EXPORT_BATCH_SIZE + 1);
        // The batch after it as large, after the last row read.
        let rows: Vec<i32> = (1..=i32::try_from(EXPORT_BATCH_SIZE).unwrap() + 1).collect();
        let page = Page::from_rows(rows, batch, |id| *id);
        assert_eq!(page.items.len() as u64, EXPORT_BATCH_SIZE);
        let next = page.next.expect("another batch follows");
        assert_eq!(next.size(), EXPORT_BATCH_SIZE);
        assert_eq!(
            next.after_id(),
            Some(i32::try_from(EXPORT_BATCH_SIZE).unwrap())
        );
        // A caller asking for as much gets a page.
        assert_eq!(
            PageRequest::first(EXPORT_BATCH_SIZE).size(),
            MAXIMUM_PAGE_SIZE
        );
        let asked: PageRequest = serde_json::from_str(&format!(
            r#"{{"after_id":3,"size":{EXPORT_BATCH_SIZE},"count_total":false}}"#
        ))
        .unwrap();
        assert_eq!(asked.size(), MAXIMUM_PAGE_SIZE);
    }
}
