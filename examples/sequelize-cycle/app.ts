/**
 * The User ↔ Profile app from the Sequelize question fkdiff grew from: Profile.created_by_user_id is
 * a key sync() creates; User.profile_id closes the cycle, so it is declared `constraints: false` and
 * sync() leaves it out. Instead of a hand-written `queryInterface.addConstraint` after sync(), one
 * fkdiff call makes the database match the models, the unconstrained key included.
 *
 *   DATABASE_URL=postgres://app@localhost/app npx tsx examples/sequelize-cycle/app.ts
 */
import { DataTypes, Model, Sequelize } from 'sequelize';
// In your app: `from 'fkdiff'`.
import { fkdiffFor, type ApplyOutcome } from '../../src/index.js';

export class User extends Model {
  static associate(models: Sequelize['models']): void {
    const profile = models.Profile;
    if (profile === undefined) throw new Error('Profile is not defined');
    User.belongsTo(profile, { foreignKey: { name: 'profile_id', allowNull: true }, constraints: false });
  }
}

export class Profile extends Model {
  static associate(models: Sequelize['models']): void {
    const user = models.User;
    if (user === undefined) throw new Error('User is not defined');
    Profile.belongsTo(user, { foreignKey: { name: 'created_by_user_id', allowNull: false } });
  }
}

/** The models and their associations, as the app's models/index.js would set them up. */
export function defineModels(sequelize: Sequelize): void {
  User.init({ email: DataTypes.STRING }, { sequelize, modelName: 'User', tableName: 'users' });
  Profile.init({ bio: DataTypes.TEXT }, { sequelize, modelName: 'Profile', tableName: 'profiles' });
  User.associate(sequelize.models);
  Profile.associate(sequelize.models);
}

/** sync(), then one fkdiff call on the app's own instance: adds users.profile_id → profiles.id. */
export async function syncAndConverge(sequelize: Sequelize): Promise<ApplyOutcome> {
  await sequelize.sync();
  const fkdiff = await fkdiffFor(sequelize);
  const spec = await fkdiff.loadSpec({ models: true, includeUnconstrained: true });
  return fkdiff.apply(spec);
}

async function main(): Promise<void> {
  const url = process.env.DATABASE_URL;
  if (url === undefined) throw new Error('set DATABASE_URL');
  const sequelize = new Sequelize(url, { logging: false });
  try {
    defineModels(sequelize);
    const outcome = await syncAndConverge(sequelize);
    process.stdout.write(`fkdiff: ${outcome.applied.applied} of ${outcome.applied.total} steps applied\n`);
  } finally {
    await sequelize.close();
  }
}

if (import.meta.url === `file://${process.argv[1] ?? ''}`) await main();
