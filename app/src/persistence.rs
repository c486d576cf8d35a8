//! Where the workspace survives a reload: the snapshot's bytes in IndexedDB, under one key,
//! with its newest undo steps beside it (written in the same transaction).
//! localStorage (the first home) holds about 5 MB of text; IndexedDB stores bytes and holds
//! far more (a share of the disk, per origin). The old localStorage copy is read once and
//! moved over. A stored snapshot that does not load is set aside under its own key, never
//! deleted, and the page saves nothing over it until the user chooses (`Studio::rejected`). web-sys's IndexedDB bindings are wrapped here in one small future, [`Settled`].

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Waker};

use gloo_storage::Storage;
use gluelab_core::{snapshot, Workspace};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{IdbDatabase, IdbRequest, IdbTransactionMode};

use crate::i18n::{t, tf};

const DB_NAME: &str = "gluelab";
const DB_VERSION: u32 = 1;
const STORE: &str = "snapshots";
/// The workspace the page shows.
const CURRENT_KEY: &str = "workspace";
/// Its newest undo steps, saved with it in one transaction ([`history_record`]).
const HISTORY_KEY: &str = "undo-history";
/// A stored snapshot that failed to load: `rejected-<ms since 1970>`.
const REJECTED_PREFIX: &str = "rejected-";
/// Where gluelab kept the workspace before IndexedDB (localStorage, UTF-8 JSON).
const LEGACY_KEY: &str = "gluelab.workspace.v1";
/// Where a legacy copy that did not load was set aside.
const LEGACY_REJECTED_KEY: &str = "gluelab.workspace.rejected";

/// What was found in this browser at start-up.
pub struct Saved {
    pub workspace: Option<Workspace>,
    /// Why a stored workspace was not loaded (it is kept aside), or why nothing can be saved.
    pub problem: Option<String>,
    /// The stored bytes that did not load: the page must not save over them unasked.
    pub rejected: Option<Vec<u8>>,
    /// The undo steps saved with the workspace, newest first, with their snapshots.
    pub undo: Vec<(Workspace, Vec<u8>)>,
}

thread_local! {
    static DB: RefCell<Option<IdbDatabase>> = const { RefCell::new(None) };
    /// The workspace bytes last saved (or loaded): what the panic screen offers to download.
    static LAST_SAVED: RefCell<Option<Rc<[u8]>>> = const { RefCell::new(None) };
}

/// Set after a panic: the page's state may be half-changed, so nothing more is saved over the
/// last good copy (`crate::panic_screen`).
static SAVING_STOPPED: AtomicBool = AtomicBool::new(false);

/// The workspace bytes last saved or loaded, if any. Never panics (the panic hook calls it):
/// while they are being replaced, there are none.
pub fn last_saved() -> Option<Rc<[u8]>> {
    LAST_SAVED
        .try_with(|slot| slot.try_borrow().ok().and_then(|bytes| bytes.clone()))
        .ok()
        .flatten()
}

/// After a panic: every later save fails, so the saved workspace stays the last good one.
pub fn stop_saving() {
    SAVING_STOPPED.store(true, Ordering::Relaxed);
}

fn remember_saved(bytes: &[u8]) {
    LAST_SAVED.with_borrow_mut(|slot| *slot = Some(Rc::from(bytes)));
}

/// The saved workspace, if any; migrates the legacy localStorage copy on the way.
pub async fn load_saved() -> Saved {
    let db = match database().await {
        Ok(db) => db,
        Err(e) => {
            return Saved {
                workspace: None,
                problem: Some(tf(
                    "This browser keeps no IndexedDB here ({error}): the workspace is not saved.",
                    &[("error", &e)],
                )),
                rejected: None,
                undo: vec![],
            }
        }
    };
    match get(&db, CURRENT_KEY).await {
        Ok(Some(bytes)) => match snapshot::load(&bytes) {
            Ok(ws) => {
                remember_saved(&bytes);
                Saved {
                    workspace: Some(ws),
                    problem: None,
                    rejected: None,
                    undo: load_history(&db).await,
                }
            }
            Err(e) => {
                let key = format!("{REJECTED_PREFIX}{}", js_sys::Date::now() as u64);
                let kept = put(&db, &[(key.as_str(), bytes.as_slice())]).await.is_ok();
                Saved {
                    workspace: None,
                    problem: Some(rejected_message(&e, kept.then_some(key.as_str()))),
                    rejected: Some(bytes),
                    undo: vec![],
                }
            }
        },
        Ok(None) => migrate_legacy(&db).await,
        Err(e) => Saved {
            workspace: None,
            problem: Some(tf("The saved workspace could not be read ({error}).", &[("error", &e)])),
            rejected: None,
            undo: vec![],
        },
    }
}

/// The localStorage copy an older gluelab saved: loaded, moved to IndexedDB, then removed
/// there (only once the move succeeded). One that does not load stays where it is.
async fn migrate_legacy(db: &IdbDatabase) -> Saved {
    let storage = gloo_storage::LocalStorage::raw();
    let Some(text) = storage.get_item(LEGACY_KEY).ok().flatten() else {
        return Saved {
            workspace: None,
            problem: None,
            rejected: None,
            undo: vec![],
        };
    };
    match snapshot::load(text.as_bytes()) {
        Ok(ws) => {
            remember_saved(text.as_bytes());
            if put(db, &[(CURRENT_KEY, text.as_bytes())]).await.is_ok() {
                let _ = storage.remove_item(LEGACY_KEY);
            }
            Saved {
                workspace: Some(ws),
                problem: None,
                rejected: None,
                undo: vec![],
            }
        }
        Err(e) => {
            let _ = storage.set_item(LEGACY_REJECTED_KEY, &text);
            Saved {
                workspace: None,
                problem: Some(rejected_message(&e, Some(LEGACY_REJECTED_KEY))),
                rejected: Some(text.into_bytes()),
                undo: vec![],
            }
        }
    }
}

fn rejected_message(e: &gluelab_core::Error, kept_as: Option<&str>) -> String {
    match kept_as {
        Some(key) => tf(
            "The saved workspace was not loaded ({error}); it is kept as it was (and aside as {key}), and nothing is \
             saved over it until you choose.",
            &[("error", e), ("key", &key)],
        ),
        None => tf(
            "The saved workspace was not loaded ({error}); nothing is saved over it until you choose.",
            &[("error", e)],
        ),
    }
}

/// Saves a snapshot as the current workspace with its undo history ([`history_record`]), both
/// or neither; resolves once the transaction has committed.
pub async fn save_current(bytes: &[u8], history: &[u8]) -> Result<(), String> {
    if SAVING_STOPPED.load(Ordering::Relaxed) {
        return Err(t("gluelab stopped after a bug").into());
    }
    let db = database().await?;
    put(&db, &[(CURRENT_KEY, bytes), (HISTORY_KEY, history)]).await?;
    remember_saved(bytes);
    Ok(())
}

/// Undo steps' snapshots (newest first) as one stored value: each as its length (4 bytes,
/// little-endian) and its bytes.
pub fn history_record(snapshots: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::with_capacity(snapshots.iter().map(|s| s.len() + 4).sum());
    for snapshot in snapshots {
        out.extend_from_slice(&(snapshot.len() as u32).to_le_bytes());
        out.extend_from_slice(snapshot);
    }
    out
}

/// The saved undo steps, newest first. The history is a convenience: a step that does not
/// read or load ends it there (the workspace itself is unaffected).
async fn load_history(db: &IdbDatabase) -> Vec<(Workspace, Vec<u8>)> {
    let Ok(Some(record)) = get(db, HISTORY_KEY).await else {
        return vec![];
    };
    let mut steps = vec![];
    let mut rest = record.as_slice();
    while let Some((len, tail)) = rest.split_first_chunk::<4>() {
        let len = u32::from_le_bytes(*len) as usize;
        let Some((bytes, tail)) = (len <= tail.len()).then(|| tail.split_at(len)) else {
            break;
        };
        let Ok(workspace) = snapshot::load(bytes) else { break };
        steps.push((workspace, bytes.to_vec()));
        rest = tail;
    }
    steps
}

async fn database() -> Result<IdbDatabase, String> {
    if let Some(db) = DB.with_borrow(Clone::clone) {
        return Ok(db);
    }
    let factory = web_sys::window()
        .and_then(|w| w.indexed_db().ok().flatten())
        .ok_or(t("IndexedDB is unavailable"))?;
    let request = factory.open_with_u32(DB_NAME, DB_VERSION).map_err(js_message)?;
    let upgrading = request.clone();
    let on_upgrade = Closure::<dyn FnMut(web_sys::Event)>::new(move |_| {
        if let Ok(db) = upgrading.result().and_then(|r| r.dyn_into::<IdbDatabase>()) {
            let _ = db.create_object_store(STORE);
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let opened = Settled::request(&request).await;
    request.set_onupgradeneeded(None);
    drop(on_upgrade);
    let db: IdbDatabase = opened?.dyn_into().map_err(js_message)?;
    DB.with_borrow_mut(|slot| *slot = Some(db.clone()));
    Ok(db)
}

async fn get(db: &IdbDatabase, key: &str) -> Result<Option<Vec<u8>>, String> {
    let store = db
        .transaction_with_str(STORE)
        .and_then(|tx| tx.object_store(STORE))
        .map_err(js_message)?;
    let request = store.get(&JsValue::from_str(key)).map_err(js_message)?;
    let value = Settled::request(&request).await?;
    if value.is_undefined() || value.is_null() {
        return Ok(None);
    }
    Ok(Some(js_sys::Uint8Array::new(&value).to_vec()))
}

/// Writes every `(key, bytes)` in one transaction: all of them or none.
async fn put(db: &IdbDatabase, entries: &[(&str, &[u8])]) -> Result<(), String> {
    let tx = db
        .transaction_with_str_and_mode(STORE, IdbTransactionMode::Readwrite)
        .map_err(js_message)?;
    let store = tx.object_store(STORE).map_err(js_message)?;
    for (key, bytes) in entries {
        store
            .put_with_key(&js_sys::Uint8Array::from(*bytes), &JsValue::from_str(key))
            .map_err(js_message)?;
    }
    // Done when the transaction has committed, not merely when the request succeeded.
    let (ok, fail) = (tx.clone(), tx.clone());
    let settled = Settled::new(
        move || Ok(JsValue::UNDEFINED),
        move || {
            fail.error()
                .map(|e| e.message())
                .unwrap_or_else(|| t("the transaction was aborted").into())
        },
    );
    ok.set_oncomplete(Some(settled.on_ok.as_ref().unchecked_ref()));
    ok.set_onerror(Some(settled.on_err.as_ref().unchecked_ref()));
    ok.set_onabort(Some(settled.on_err.as_ref().unchecked_ref()));
    settled.await.map(|_| ())
}

fn js_message(value: JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.dyn_ref::<web_sys::DomException>().map(|e| e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}

type Handler = Closure<dyn FnMut(web_sys::Event)>;

#[derive(Default)]
struct Slot {
    result: Option<Result<JsValue, String>>,
    waker: Option<Waker>,
}

/// A future over an IndexedDB callback pair (success / error): it owns both handlers, so they
/// live exactly as long as someone waits.
struct Settled {
    slot: Rc<RefCell<Slot>>,
    on_ok: Handler,
    on_err: Handler,
}

impl Settled {
    fn new(ok: impl Fn() -> Result<JsValue, String> + 'static, err: impl Fn() -> String + 'static) -> Self {
        let slot = Rc::new(RefCell::new(Slot::default()));
        let finish = |slot: &Rc<RefCell<Slot>>, result: Result<JsValue, String>| {
            let mut slot = slot.borrow_mut();
            if slot.result.is_none() {
                slot.result = Some(result);
            }
            if let Some(waker) = slot.waker.take() {
                waker.wake();
            }
        };
        let (ok_slot, err_slot) = (slot.clone(), slot.clone());
        Self {
            slot,
            on_ok: Closure::new(move |_| finish(&ok_slot, ok())),
            on_err: Closure::new(move |_| finish(&err_slot, Err(err()))),
        }
    }

    fn request(request: &IdbRequest) -> Self {
        let (ok, fail) = (request.clone(), request.clone());
        let settled = Self::new(
            move || ok.result().map_err(js_message),
            move || {
                fail.error()
                    .ok()
                    .flatten()
                    .map(|e| e.message())
                    .unwrap_or_else(|| t("the request failed").into())
            },
        );
        request.set_onsuccess(Some(settled.on_ok.as_ref().unchecked_ref()));
        request.set_onerror(Some(settled.on_err.as_ref().unchecked_ref()));
        settled
    }
}

impl Future for Settled {
    type Output = Result<JsValue, String>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut slot = self.slot.borrow_mut();
        match slot.result.take() {
            Some(result) => Poll::Ready(result),
            None => {
                slot.waker = Some(cx.waker().clone());
                Poll::Pending
            }
        }
    }
}

/// Whether this tab owns saving. The Web Locks API grants one tab of the origin the lock and
/// holds it for as long as that tab lives, so two tabs never save over each other; the others
/// are told (`Studio::saving_elsewhere`). A browser without Web Locks lets every tab save.
/// (web-sys's `LockManager` bindings are unstable, hence the plain JS calls.)
pub async fn own_saving() -> bool {
    let navigator = web_sys::window().map(|w| w.navigator());
    let Some(locks) = navigator
        .and_then(|n| js_sys::Reflect::get(&n, &"locks".into()).ok())
        .filter(|l| !l.is_undefined())
    else {
        return true;
    };
    let Ok(request) = js_sys::Reflect::get(&locks, &"request".into()).and_then(|r| r.dyn_into::<js_sys::Function>())
    else {
        return true;
    };
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"ifAvailable".into(), &JsValue::TRUE);
    let mut granted = None;
    let answer = js_sys::Promise::new(&mut |resolve, _| granted = Some(resolve));
    let Some(granted) = granted else { return true };
    // Lives as long as the page: the never-settling promise it returns holds the lock.
    let callback = Closure::<dyn FnMut(JsValue) -> JsValue>::new(move |lock: JsValue| {
        let _ = granted.call1(&JsValue::NULL, &JsValue::from_bool(!lock.is_null()));
        js_sys::Promise::new(&mut |_, _| {}).into()
    });
    let asked = request.call3(&locks, &"gluelab-saving".into(), &options, callback.as_ref());
    callback.forget();
    if asked.is_err() {
        return true;
    }
    wasm_bindgen_futures::JsFuture::from(answer)
        .await
        .map(|v| v.is_truthy())
        .unwrap_or(true)
}
