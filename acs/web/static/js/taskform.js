// The raw task form: any task type with its arguments as JSON (the RPC's own argument names,
// as POST /api/devices/{id}/tasks takes them). Templates show each type's arguments; the
// ACS validates them and its 400 message (naming the field) is shown in the form.

import {h, field, select, uid} from './dom.js';
import {TASK_TYPES} from './api.js';

const FIRMWARE_URL = 'http://acs.example/files/firmware.bin';

export const TEMPLATES = {
  GetParameterValues: {ParameterNames: ['Device.DeviceInfo.']},
  SetParameterValues: {ParameterList: [{Name: 'Device.', Value: '', Type: 'xsd:string'}], ParameterKey: ''},
  GetParameterNames: {ParameterPath: 'Device.', NextLevel: true},
  GetParameterAttributes: {ParameterNames: ['Device.DeviceInfo.SoftwareVersion']},
  SetParameterAttributes: {ParameterList: [{Name: 'Device.DeviceInfo.SoftwareVersion', NotificationChange: true,
                                            Notification: 2, AccessListChange: false, AccessList: []}]},
  AddObject: {ObjectName: 'Device.', ParameterKey: ''},
  DeleteObject: {ObjectName: 'Device.', ParameterKey: ''},
  Reboot: {CommandKey: ''},
  FactoryReset: {},
  Download: {CommandKey: '', FileType: '1 Firmware Upgrade Image', URL: FIRMWARE_URL, Username: '', Password: '',
             FileSize: 0, TargetFileName: '', DelaySeconds: 0, SuccessURL: '', FailureURL: ''},
  Upload: {CommandKey: '', FileType: '1 Vendor Configuration File', URL: 'http://acs.example/uploads/',
           Username: '', Password: '', DelaySeconds: 0},
  ScheduleInform: {DelaySeconds: 60, CommandKey: ''},
  GetRPCMethods: {},
  GetAllQueuedTransfers: {},
  CancelTransfer: {CommandKey: ''},
  ScheduleDownload: {CommandKey: '', FileType: '1 Firmware Upgrade Image', URL: FIRMWARE_URL, Username: '', Password: '',
                     FileSize: 0, TargetFileName: '',
                     TimeWindowList: [{WindowStart: 0, WindowEnd: 3600, WindowMode: '1 At Any Time',
                                       UserMessage: '', MaxRetries: 1}]},
  ChangeDUState: {Operations: [{Operation: 'Install', URL: 'http://acs.example/du/package.ipk', UUID: '',
                                Username: '', Password: '', ExecutionEnvRef: ''}], CommandKey: ''},
  refresh: {ParameterPath: 'Device.'},
};

// Builds the form fields; read() returns the request body for POST .../tasks or throws an
// Error naming the problem (bad JSON, bad number).
export function taskFormFields({type = 'GetParameterValues', root = 'Device.'} = {}) {
  const template = (name) => JSON.stringify(TEMPLATES[name] ?? {}, null, 2).replaceAll('"Device.', `"${root}`);
  const typeSelect = select(TASK_TYPES, type, {name: 'task_type'});
  const args = h('textarea', {name: 'parameters', id: uid('args'), rows: 10, spellcheck: 'false'});
  args.value = template(type);
  typeSelect.addEventListener('change', () => { args.value = template(typeSelect.value); });
  const cr = h('input', {type: 'checkbox', name: 'connection_request', id: uid('cr'), checked: true});
  const expires = h('input', {type: 'number', name: 'expires_in', min: 1, step: 1, placeholder: 'never',
                              inputmode: 'numeric'});
  const attempts = h('input', {type: 'number', name: 'max_attempts', min: 1, max: 100, step: 1,
                               placeholder: 'ACS default', inputmode: 'numeric'});

  const nodes = [
    h('div', {class: 'form-grid'},
      field('Task type', typeSelect).wrap,
      field('Expires in (s)', expires).wrap,
      field('Max attempts', attempts).wrap),
    h('div', {class: 'field'}, h('label', {for: args.id}, 'Arguments (JSON)'), args,
      h('p', {class: 'hint'}, 'The RPC\'s own argument names, as TR-069 defines them. Choosing a type fills in its template.')),
    h('div', {class: 'field inline'}, cr, h('label', {for: cr.id},
      'Send a connection request so the device runs it now')),
  ];

  function read() {
    let parameters;
    const text = args.value.trim();
    try {
      parameters = text ? JSON.parse(text) : {};
    } catch (err) {
      args.setAttribute('aria-invalid', 'true');
      args.focus();
      throw new Error(`Arguments are not valid JSON: ${err.message}`);
    }
    if (parameters === null || typeof parameters !== 'object' || Array.isArray(parameters)) {
      args.setAttribute('aria-invalid', 'true');
      args.focus();
      throw new Error('Arguments must be a JSON object, e.g. {"ParameterNames": ["Device."]}');
    }
    args.removeAttribute('aria-invalid');
    const body = {task_type: typeSelect.value, parameters, connection_request: cr.checked};
    if (expires.value !== '') body.expires_in = Number(expires.value);
    if (attempts.value !== '') body.max_attempts = Number(attempts.value);
    return body;
  }
  return {nodes, read};
}
