// Schema 5: a configuration's accuracy measured on data (null until it is) and the accuracy predicted for it, beside
// `accuracy` (the value the fronts use: the measured one where there is one). Rows of older sessions read as null.
// The band is not stored per row: it is the predicted value ± the half-width kept with the session's accuracy model.
// In a session with measured accuracy, a row neither measured nor re-predicted after the sweep keeps
// accuracy_predicted NULL: its predicted value is `accuracy` (a million-row sweep then writes nothing more).
import type { Migration } from './types';

export const migration005: Migration = {
  version: 5,
  name: 'measured accuracy',
  up(db) {
    db.exec(`
      ALTER TABLE results ADD COLUMN accuracy_measured REAL;
      ALTER TABLE results ADD COLUMN accuracy_predicted REAL;
    `);
  },
};
