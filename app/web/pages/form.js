// Forms built from GET /api/meta's field lists: one input per field, checked
// here first (required, dates, numbers) with messages in the page's language,
// then by the API, whose message for a field is shown beside it.
import { html, useState, useRef, useEffect } from './preact.js';
import { api } from './api.js';
import { t } from './i18n.js';
import { ErrorBox } from './ui.js';

// The problem with `value` for `field`, or ''.
export function checkField(field, value) {
  const v = value === undefined || value === null ? '' : String(value).trim();
  if (!v) return field.required ? t('form.required', field.label) : '';
  if (field.type === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return t('form.date', field.label);
  if (field.type === 'number' && !/^-?\d+(\.\d+)?%?$/.test(v)) return t('form.number', field.label);
  if (field.type === 'choice' && field.choices && field.choices.length &&
      !field.choices.includes(v)) return t('form.choice', field.label, field.choices.join('、'));
  return '';
}

// A text input that offers the names of records of `kind` as one types.
function RefInput({ field, value, onInput, inputRef, onKeyDown }) {
  const [options, setOptions] = useState([]);
  const listId = `ref-${field.name}`;
  useEffect(() => {
    const q = (value || '').trim();
    if (!q || !field.ref) { setOptions([]); return; }
    let live = true;
    const timer = setTimeout(() => {
      api.get(`/api/records/${field.ref}`, { q, pageSize: 10 }).then(
        (r) => live && setOptions(r.records || []), () => live && setOptions([]));
    }, 150);
    return () => { live = false; clearTimeout(timer); };
  }, [value, field.ref]);
  return html`<input id=${`f-${field.name}`} name=${field.name} list=${listId} autocomplete="off"
      value=${value || ''} ref=${inputRef} onKeyDown=${onKeyDown}
      onInput=${(e) => onInput(e.target.value)} />
    <datalist id=${listId}>${options.map((o) => html`<option value=${o.label} />`)}</datalist>`;
}

// A choice as a person reads it: its label (主办 for lead), else the value.
function choiceText(field, i) {
  return (field.choiceLabels && field.choiceLabels[i]) || field.choices[i];
}

// keyboard: typed, not picked: choices and dates are text inputs (a
// choice offers its values as one types), so a clerk never leaves the keys.
export function FieldInput({ field, value, onInput, inputRef, onKeyDown, keyboard }) {
  const common = { id: `f-${field.name}`, name: field.name, ref: inputRef, onKeyDown };
  if (field.type === 'ref')
    return html`<${RefInput} field=${field} value=${value} onInput=${onInput} inputRef=${inputRef} onKeyDown=${onKeyDown} />`;
  if (keyboard && field.type === 'choice' && field.choices && field.choices.length)
    return html`<input ...${common} list=${`choices-${field.name}`} autocomplete="off" value=${value || ''}
      onInput=${(e) => onInput(e.target.value)} />
      <datalist id=${`choices-${field.name}`}>${field.choices.map((c, i) => html`<option value=${c} label=${choiceText(field, i)} />`)}</datalist>`;
  if (keyboard && field.type === 'date')
    return html`<input ...${common} placeholder="2026-03-15" autocomplete="off" value=${value || ''}
      onInput=${(e) => onInput(e.target.value)} />`;
  if (field.type === 'choice' && field.choices && field.choices.length)
    return html`<select ...${common} value=${value || ''} onChange=${(e) => onInput(e.target.value)}>
      <option value="">${t('form.pick')}</option>
      ${field.choices.map((c, i) => html`<option value=${c}>${choiceText(field, i)}</option>`)}
    </select>`;
  if (field.type === 'bool')
    return html`<input type="checkbox" ...${common} checked=${value === true || value === 'yes'}
      onChange=${(e) => onInput(e.target.checked ? 'yes' : 'no')} />`;
  if (field.multiline)
    return html`<textarea ...${common} rows="3" value=${value || ''} onInput=${(e) => onInput(e.target.value)} />`;
  return html`<input type=${field.type === 'date' ? 'date' : 'text'} ...${common}
    inputmode=${field.type === 'number' ? 'decimal' : undefined}
    value=${value || ''} onInput=${(e) => onInput(e.target.value)} />`;
}

// A form for `fields`. onSubmit(values) returns a promise; its ApiError's
// field is marked. keyboard: Enter moves to the next field and, on the
// last, saves; after a save the form stays, keeping the `sticky` fields'
// values, with the cursor on the first field again.
export function RecordForm({ fields, initial, onSubmit, submitLabel, keyboard, sticky, extra }) {
  const [values, setValues] = useState(initial || {});
  const [problems, setProblems] = useState({});
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const refs = useRef({});
  const shown = fields;

  const submit = async (e) => {
    if (e) e.preventDefault();
    const found = {};
    for (const f of shown) {
      const p = checkField(f, values[f.name]);
      if (p) found[f.name] = p;
    }
    setProblems(found);
    const first = shown.find((f) => found[f.name]);
    if (first) { refs.current[first.name]?.focus(); return; }
    setBusy(true);
    setError(null);
    const body = {};
    for (const f of shown) {
      const v = values[f.name];
      if (v !== undefined && v !== null && String(v).trim() !== '') body[f.name] = String(v).trim();
    }
    // Keyboard entry: the next record's form is ready at once, while this one
    // is being saved, so that what a fast typist types next lands in it (a
    // failed save puts this record back, with the reason).
    if (keyboard) {
      const next = {};
      for (const name of sticky || []) if (values[name] !== undefined) next[name] = values[name];
      setValues({ ...initial, ...next });
      setTimeout(() => focusField(shown[0].name), 0);
    }
    try {
      await onSubmit(body);
    } catch (err) {
      if (keyboard) setValues(values);
      setError(err);
      if (err.field) {
        setProblems({ [err.field]: err.message });
        refs.current[err.field]?.focus();
      }
    } finally {
      setBusy(false);
    }
  };

  // Moving on selects what the field holds: typing replaces a kept value,
  // Enter keeps it.
  const focusField = (name) => {
    const el = refs.current[name];
    if (!el) return;
    el.focus();
    if (typeof el.select === 'function') el.select();
  };

  const onKeyDown = (index) => (e) => {
    // Enter moves on (in a paragraph too: Shift+Enter starts a new line).
    if (!keyboard || e.key !== 'Enter' || e.shiftKey || e.ctrlKey || e.isComposing) return;
    e.preventDefault();
    if (index + 1 < shown.length) focusField(shown[index + 1].name);
    else submit();
  };

  return html`<form class="record-form" onSubmit=${submit} novalidate>
    ${shown.map((f, i) => html`<div class=${`field${problems[f.name] ? ' bad' : ''}`}>
      <label for=${`f-${f.name}`}>${f.label}${f.required ? html`<span class="req">*</span>` : ''}</label>
      <${FieldInput} field=${f} value=${values[f.name]} keyboard=${keyboard}
        inputRef=${(el) => { refs.current[f.name] = el; }} onKeyDown=${onKeyDown(i)}
        onInput=${(v) => setValues((old) => ({ ...old, [f.name]: v }))} />
      ${problems[f.name] ? html`<div class="problem">${problems[f.name]}</div>` : null}
    </div>`)}
    ${extra}
    ${error && !error.field ? html`<${ErrorBox} error=${error} />` : null}
    <div class="form-actions">
      <button type="submit" disabled=${busy}>${busy ? t('saving') : submitLabel || t('save')}</button>
      ${keyboard ? html`<span class="hint">${t('form.keyboardHint')}</span>` : null}
    </div>
  </form>`;
}

// The fields of record kind `kind` in /api/meta, or [].
export function kindFields(meta, kind) {
  const k = meta && meta.kinds ? meta.kinds.find((x) => x.kind === kind) : null;
  return k ? k.fields : [];
}

// The fields a form for a new record of `kind` asks for: the kind's, and on
// the county office, which township the record belongs to (a township's node
// writes its own township's records only).
const kTownshipKinds = ['deputy', 'station', 'duty', 'reception', 'issue', 'suggestion', 'rota', 'reportback'];
// A deputy with the name and level of one already there is refused (one
// person entered twice counts twice) unless the clerk ticks that it is a namesake.
export function entryFields(meta, kind) {
  let fields = kindFields(meta, kind);
  if (kind === 'deputy') fields = [...fields, { name: 'allowSameName', label: t('form.namesake'), type: 'bool' }];
  if (!meta || !meta.node || meta.node.role !== 'county' || !kTownshipKinds.includes(kind)) return fields;
  return [{ name: 'township', label: t('col.township'), type: 'ref', ref: 'township', required: true }, ...fields];
}

export function kindLabel(meta, kind) {
  const k = meta && meta.kinds ? meta.kinds.find((x) => x.kind === kind) : null;
  return k ? k.label : kind;
}
