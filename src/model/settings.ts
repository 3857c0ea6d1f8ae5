/**
 * A choice the user makes when running fkdiff (skip the data check, wait longer…). Messages built
 * outside the CLI name the setting this way; the CLI says which flag sets it.
 */
export type Setting =
  'url' | 'checkData' | 'lockTimeout' | 'lockWait' | 'online' | 'create' | 'statementTimeout' | 'stepTimeout';
