"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-25 14:58:47.087271
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('addresses',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('road_address', sa.String(length=200), nullable=False),
    sa.Column('road_address_en', sa.String(length=200), nullable=False),
    sa.Column('city', sa.String(length=50), nullable=False),
    sa.Column('district', sa.String(length=50), nullable=False),
    sa.Column('district_en', sa.String(length=50), nullable=False),
    sa.Column('postal_code', sa.String(length=5), nullable=False),
    sa.Column('search_text', sa.String(length=400), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses'))
    )
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addresses_district'), ['district'], unique=False)
        batch_op.create_index(batch_op.f('ix_addresses_search_text'), ['search_text'], unique=False)

    op.create_table('events',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('type', sa.String(length=50), nullable=False),
    sa.Column('case_type', sa.String(length=30), nullable=False),
    sa.Column('case_number', sa.String(length=30), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=True),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_events'))
    )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_events_case_number'), ['case_number'], unique=False)

    op.create_table('households',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households'))
    )
    op.create_table('idempotency_keys',
    sa.Column('scope', sa.String(length=64), nullable=False),
    sa.Column('key', sa.String(length=200), nullable=False),
    sa.Column('request_hash', sa.String(length=64), nullable=False),
    sa.Column('status_code', sa.Integer(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('scope', 'key', name=op.f('pk_idempotency_keys'))
    )
    op.create_table('number_counters',
    sa.Column('prefix', sa.String(length=4), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('prefix', 'year', name=op.f('pk_number_counters'))
    )
    op.create_table('sms_messages',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('to_phone', sa.String(length=20), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('backend', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('provider_sid', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sms_messages'))
    )
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sms_messages_to_phone'), ['to_phone'], unique=False)

    op.create_table('citizens',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('address_id', sa.String(length=32), nullable=False),
    sa.Column('household_id', sa.String(length=32), nullable=False),
    sa.Column('relation', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['addresses.id'], name=op.f('fk_citizens_address_id_addresses')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_citizens_household_id_households')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_citizens')),
    sa.UniqueConstraint('phone', name=op.f('uq_citizens_phone'))
    )
    with op.batch_alter_table('citizens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_citizens_household_id'), ['household_id'], unique=False)

    op.create_table('address_changes',
    sa.Column('tracking_number', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('address_id', sa.String(length=32), nullable=False),
    sa.Column('previous_address_id', sa.String(length=32), nullable=False),
    sa.Column('effective_date', sa.Date(), nullable=False),
    sa.Column('member_ids', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['address_id'], ['addresses.id'], name=op.f('fk_address_changes_address_id_addresses')),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_address_changes_citizen_id_citizens')),
    sa.ForeignKeyConstraint(['previous_address_id'], ['addresses.id'], name=op.f('fk_address_changes_previous_address_id_addresses')),
    sa.PrimaryKeyConstraint('tracking_number', name=op.f('pk_address_changes'))
    )
    with op.batch_alter_table('address_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_address_changes_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('applications',
    sa.Column('number', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('expected_completion', sa.Date(), nullable=False),
    sa.Column('missing_documents', sa.JSON(), nullable=False),
    sa.Column('rejection_reason', sa.JSON(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_applications_citizen_id_citizens')),
    sa.PrimaryKeyConstraint('number', name=op.f('pk_applications'))
    )
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_applications_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('citizen_tokens',
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_citizen_tokens_citizen_id_citizens')),
    sa.PrimaryKeyConstraint('token_hash', name=op.f('pk_citizen_tokens'))
    )
    op.create_table('fines',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('notice_number', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('plate', sa.String(length=20), nullable=False),
    sa.Column('place', sa.JSON(), nullable=False),
    sa.Column('occurred_at', sa.DateTime(), nullable=False),
    sa.Column('base_amount', sa.Integer(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('held_by', sa.String(length=20), nullable=True),
    sa.Column('paid_by', sa.String(length=20), nullable=True),
    sa.Column('paid_amount', sa.Integer(), nullable=True),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_fines_citizen_id_citizens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fines')),
    sa.UniqueConstraint('notice_number', name=op.f('uq_fines_notice_number'))
    )
    with op.batch_alter_table('fines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fines_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('closed_at', sa.DateTime(), nullable=True),
    sa.Column('receipt_number', sa.String(length=20), nullable=True),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.Column('virtual_account', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_payments_citizen_id_citizens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('receipt_number', name=op.f('uq_payments_receipt_number'))
    )
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payments_citizen_id'), ['citizen_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_payments_expires_at'), ['expires_at'], unique=False)

    op.create_table('photos',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('content_type', sa.String(length=20), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_photos_citizen_id_citizens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('verifications',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=False),
    sa.Column('conversation_hash', sa.String(length=64), nullable=False),
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('sends', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_sent_at', sa.DateTime(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_verifications_citizen_id_citizens')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verifications'))
    )
    with op.batch_alter_table('verifications', schema=None) as batch_op:
        batch_op.create_index('ix_verifications_conversation_created', ['conversation_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_verifications_phone_created', ['phone_hash', 'created_at'], unique=False)

    op.create_table('agency_deliveries',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('tracking_number', sa.String(length=20), nullable=False),
    sa.Column('agency', sa.String(length=30), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(), nullable=False),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['tracking_number'], ['address_changes.tracking_number'], name=op.f('fk_agency_deliveries_tracking_number_address_changes')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_agency_deliveries')),
    sa.UniqueConstraint('tracking_number', 'agency', name=op.f('uq_agency_deliveries_tracking_number'))
    )
    with op.batch_alter_table('agency_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_deliveries_next_attempt_at'), ['next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_agency_deliveries_tracking_number'), ['tracking_number'], unique=False)

    op.create_table('application_history',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('application_number', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=30), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('note', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['application_number'], ['applications.number'], name=op.f('fk_application_history_application_number_applications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_application_history'))
    )
    with op.batch_alter_table('application_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_application_history_application_number'), ['application_number'], unique=False)

    op.create_table('complaints',
    sa.Column('tracking_number', sa.String(length=20), nullable=False),
    sa.Column('citizen_id', sa.String(length=32), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('place_address', sa.String(length=300), nullable=True),
    sa.Column('lat', sa.Double(), nullable=True),
    sa.Column('lon', sa.Double(), nullable=True),
    sa.Column('district', sa.String(length=50), nullable=False),
    sa.Column('photo_id', sa.String(length=40), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('deadline', sa.Date(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=False),
    sa.Column('answer', sa.JSON(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['citizen_id'], ['citizens.id'], name=op.f('fk_complaints_citizen_id_citizens')),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_complaints_photo_id_photos')),
    sa.PrimaryKeyConstraint('tracking_number', name=op.f('pk_complaints'))
    )
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaints_citizen_id'), ['citizen_id'], unique=False)

    op.create_table('payment_items',
    sa.Column('payment_id', sa.String(length=20), nullable=False),
    sa.Column('fine_id', sa.String(length=32), nullable=False),
    sa.Column('base_amount', sa.Integer(), nullable=False),
    sa.Column('late_fee', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['fine_id'], ['fines.id'], name=op.f('fk_payment_items_fine_id_fines')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_items_payment_id_payments')),
    sa.PrimaryKeyConstraint('payment_id', 'fine_id', name=op.f('pk_payment_items'))
    )


def downgrade() -> None:
    op.drop_table('payment_items')
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaints_citizen_id'))

    op.drop_table('complaints')
    with op.batch_alter_table('application_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_application_history_application_number'))

    op.drop_table('application_history')
    with op.batch_alter_table('agency_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_deliveries_tracking_number'))
        batch_op.drop_index(batch_op.f('ix_agency_deliveries_next_attempt_at'))

    op.drop_table('agency_deliveries')
    with op.batch_alter_table('verifications', schema=None) as batch_op:
        batch_op.drop_index('ix_verifications_phone_created')
        batch_op.drop_index('ix_verifications_conversation_created')

    op.drop_table('verifications')
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_citizen_id'))

    op.drop_table('photos')
    with op.batch_alter_table('payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payments_expires_at'))
        batch_op.drop_index(batch_op.f('ix_payments_citizen_id'))

    op.drop_table('payments')
    with op.batch_alter_table('fines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fines_citizen_id'))

    op.drop_table('fines')
    op.drop_table('citizen_tokens')
    with op.batch_alter_table('applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_applications_citizen_id'))

    op.drop_table('applications')
    with op.batch_alter_table('address_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_address_changes_citizen_id'))

    op.drop_table('address_changes')
    with op.batch_alter_table('citizens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_citizens_household_id'))

    op.drop_table('citizens')
    with op.batch_alter_table('sms_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sms_messages_to_phone'))

    op.drop_table('sms_messages')
    op.drop_table('number_counters')
    op.drop_table('idempotency_keys')
    op.drop_table('households')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_events_case_number'))

    op.drop_table('events')
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addresses_search_text'))
        batch_op.drop_index(batch_op.f('ix_addresses_district'))

    op.drop_table('addresses')
