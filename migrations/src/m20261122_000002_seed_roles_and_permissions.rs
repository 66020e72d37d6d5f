//! The three roles and the permission matrix of SPEC §4: reference data every database
//! needs, demo or not (`base migrer` then `base premier-gestionnaire` must give a working
//! CRM). A change of the matrix is a new migration, never an edit of this one.

use sea_orm_migration::prelude::*;

pub struct Migration;

impl MigrationName for Migration {
    fn name(&self) -> &str {
        "m20261122_000002_seed_roles_and_permissions"
    }
}

#[derive(DeriveIden, Clone, Copy)]
enum Role {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
enum Permission {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden, Clone, Copy)]
enum RolePermission {
    Table,
    RoleId,
    PermissionId,
}

/// Each role with the `resource:action` permissions it holds. Ownership limits (a sales
/// user updates only their own customers…) are rules of the core, not rows.
const MATRIX: &[(&str, &[&str])] = &[
    (
        "management",
        &[
            "user:create",
            "user:read",
            "user:update",
            "user:delete",
            "customer:read",
            "contract:create",
            "contract:read",
            "contract:update",
            "contract:delete",
            "event:read",
            "event:update",
        ],
    ),
    (
        "sales",
        &[
            "customer:create",
            "customer:read",
            "customer:update",
            "customer:delete",
            "contract:read",
            "contract:update",
            "event:create",
            "event:read",
        ],
    ),
    (
        "support",
        &[
            "customer:read",
            "contract:read",
            "event:read",
            "event:update",
        ],
    ),
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for (role, _) in MATRIX {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(Role::Table)
                        .columns([Role::Name])
                        .values_panic([(*role).into()])
                        .to_owned(),
                )
                .await?;
        }
        let mut permissions: Vec<&str> = MATRIX
            .iter()
            .flat_map(|(_, permissions)| permissions.iter().copied())
            .collect();
        permissions.sort_unstable();
        permissions.dedup();
        for permission in permissions {
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(Permission::Table)
                        .columns([Permission::Name])
                        .values_panic([permission.into()])
                        .to_owned(),
                )
                .await?;
        }
        for (role, permissions) in MATRIX {
            let pairs = Query::select()
                .column((Role::Table, Role::Id))
                .column((Permission::Table, Permission::Id))
                .from(Role::Table)
                .from(Permission::Table)
                .and_where(Expr::col((Role::Table, Role::Name)).eq(*role))
                .and_where(
                    Expr::col((Permission::Table, Permission::Name))
                        .is_in(permissions.iter().copied()),
                )
                .to_owned();
            manager
                .exec_stmt(
                    Query::insert()
                        .into_table(RolePermission::Table)
                        .columns([RolePermission::RoleId, RolePermission::PermissionId])
                        .select_from(pairs)
                        .map_err(|error| DbErr::Migration(error.to_string()))?
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            RolePermission::Table.into_iden(),
            Permission::Table.into_iden(),
            Role::Table.into_iden(),
        ] {
            manager
                .exec_stmt(Query::delete().from_table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
